import type { ReleasePlan } from '@platform/api-client';
import { UnifiedDiff } from '../components/diff-view.js';

/**
 * The install's plan (helm's server-side dry run against nothing): the chart, its manifest (Secret values
 * redacted), what the cluster would refuse, and the notes; nothing is written.
 */
export function InstallPreview({ plan }: { plan: ReleasePlan }) {
  const added = (text: string) =>
    text
      .replace(/\n$/, '')
      .split('\n')
      .map((line) => `+${line}`)
      .join('\n');
  // An install's notes diff is all added lines: their text is the notes.
  const notes = plan.notes.diff
    .split('\n')
    .filter((line) => line.startsWith('+') && !line.startsWith('+++'))
    .map((line) => line.slice(1))
    .join('\n');
  const refused = plan.admission?.refused ?? [];
  return (
    <section class="card plan" aria-labelledby="install-preview-heading">
      <h2 id="install-preview-heading">Preview of the install</h2>
      <p>
        {plan.name} in {plan.namespace}: {plan.to.chart}, {plan.summary.added} objects. Nothing is installed until you press Install.
      </p>
      {refused.length > 0 && (
        <ul class="hint" aria-label="Objects the cluster would refuse">
          {refused.map((verdict) => (
            <li key={`${verdict.kind}/${verdict.namespace}/${verdict.name}`}>
              The cluster would refuse {verdict.kind} {verdict.name}: {verdict.message}
            </li>
          ))}
        </ul>
      )}
      <h3>Manifest</h3>
      <UnifiedDiff text={added(plan.manifest)} label="Manifest to install" />
      {notes && (
        <>
          <h3>Notes</h3>
          <pre class="code">{notes}</pre>
        </>
      )}
    </section>
  );
}
