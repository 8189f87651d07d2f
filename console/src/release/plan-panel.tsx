import type { ReleasePlan } from '@platform/api-client';
import { DiffView, UnifiedDiff } from '../components/diff-view.js';

/** A plan the person reviews before applying it: exactly this is applied, or nothing (the token binds it). */
export function PlanPanel(props: { plan: ReleasePlan; busy: boolean; onApply: () => void; onDiscard: () => void }) {
  const { plan } = props;
  const verb = plan.operation;
  const nothing = plan.summary.added + plan.summary.removed + plan.summary.changed === 0 && !plan.values.user.changed && !plan.chartChanged;
  return (
    <section class="plan" aria-labelledby="plan-heading">
      <h3 id="plan-heading">
        Preview of the {verb}
        {/* An install's plan is based on no revision: there is none yet. */}
        {plan.basedOnRevision > 0 && ` (based on revision ${plan.basedOnRevision})`}
      </h3>
      {nothing && <p class="hint">This {verb} changes no object; it still records a new revision.</p>}
      {plan.admission && <AdmissionVerdicts admission={plan.admission} />}
      <DiffView diff={plan} />
      <details>
        <summary>Full manifest to apply</summary>
        <UnifiedDiff
          text={plan.manifest
            .split('\n')
            .map((line) => ` ${line}`)
            .join('\n')}
          label="Manifest to apply"
        />
      </details>
      <div class="actions">
        <button type="button" onClick={props.onApply} disabled={props.busy}>
          Apply this {verb}
        </button>
        <button type="button" class="secondary" onClick={props.onDiscard} disabled={props.busy}>
          Discard preview
        </button>
      </div>
    </section>
  );
}

/** The cluster's dry-run verdict on the planned objects: those it would refuse fail the operation, so they come first. */
function AdmissionVerdicts({ admission }: { admission: NonNullable<ReleasePlan['admission']> }) {
  const title = (verdict: (typeof admission.refused)[number]) => `${verdict.kind} ${verdict.namespace ? `${verdict.namespace}/` : ''}${verdict.name}`;
  return (
    <>
      {admission.refused.length > 0 && (
        <div class="notice error" role="alert">
          The cluster would refuse {admission.refused.length === 1 ? 'this object' : 'these objects'}, so applying would fail:
          <ul>
            {admission.refused.map((verdict) => (
              <li key={title(verdict)}>
                {title(verdict)}: {verdict.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {admission.unknown.length > 0 && <p class="hint">Not checked by the cluster (kinds it does not serve yet): {admission.unknown.map(title).join(', ')}.</p>}
      <p class="hint">The cluster accepts {admission.accepted} of the planned objects in a dry run.</p>
    </>
  );
}
