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
