import type { ReleaseDiff } from '@platform/api-client';

/** A unified diff, each line marked as added, removed, a hunk header or context (colour and a sign both). */
export function UnifiedDiff({ text, label }: { text: string; label: string }) {
  if (text.trim() === '') return <p class="hint">No difference.</p>;
  const lines = text.replace(/\n$/, '').split('\n');
  return (
    <pre class="diff" aria-label={label} tabIndex={0}>
      {lines.map((line, index) => {
        const kind = line.startsWith('@@')
          ? 'hunk'
          : line.startsWith('+++') || line.startsWith('---')
            ? 'file'
            : line.startsWith('+')
              ? 'add'
              : line.startsWith('-')
                ? 'del'
                : 'ctx';
        return (
          <span class={`line ${kind}`} key={index}>
            {line}
            {'\n'}
          </span>
        );
      })}
    </pre>
  );
}

const changeWords = { added: 'added', removed: 'removed', changed: 'changed' } as const;

/** What changed between two sides of a release: the counts, each object, the values and the notes. */
export function DiffView({ diff }: { diff: ReleaseDiff }) {
  // An install's plan starts from no release: revision 0 and no chart (so its chart does not "change" either).
  const fromNothing = diff.from.revision === 0 && diff.from.chart === '';
  const side = (part: ReleaseDiff['from']) =>
    part === diff.from && fromNothing
      ? 'nothing (a new release)'
      : `${part.revision === null ? 'planned' : `revision ${part.revision}`} (${part.chart}${part.appVersion ? `, app ${part.appVersion}` : ''})`;
  return (
    <div class="diff-view">
      <p class="diff-sides">
        From {side(diff.from)} to {side(diff.to)}
        {diff.chartChanged && !fromNothing && <strong> — the chart changes</strong>}
      </p>
      <ul class="summary" aria-label="Summary">
        <li class="add">{diff.summary.added} added</li>
        <li class="chg">{diff.summary.changed} changed</li>
        <li class="del">{diff.summary.removed} removed</li>
        <li>{diff.summary.unchanged} unchanged</li>
      </ul>
      {diff.objects.length > 0 && (
        <>
          <h3>Objects</h3>
          {diff.objects.map((object) => {
            const title = `${object.kind} ${object.namespace ? `${object.namespace}/` : ''}${object.name}`;
            return (
              <details key={`${object.kind}/${object.namespace}/${object.name}`} open={diff.objects.length <= 3}>
                <summary>
                  <span class={`badge ${object.change === 'added' ? 'good' : object.change === 'removed' ? 'bad' : 'warn'}`}>{changeWords[object.change]}</span>{' '}
                  {title}
                  {object.paths.length > 0 && <span class="hint"> — {object.paths.join(', ')}</span>}
                </summary>
                <UnifiedDiff text={object.diff} label={`Diff of ${title}`} />
              </details>
            );
          })}
        </>
      )}
      <h3>Values</h3>
      {diff.values.user.changed ? (
        <UnifiedDiff text={diff.values.user.diff} label="Diff of the user-supplied values" />
      ) : (
        <p class="hint">The user-supplied values do not change.</p>
      )}
      {diff.values.computed.changed && (
        <details>
          <summary>Computed values ({diff.values.computed.paths.length} paths change)</summary>
          <UnifiedDiff text={diff.values.computed.diff} label="Diff of the computed values" />
        </details>
      )}
      {diff.notes.changed && (
        <>
          <h3>Notes</h3>
          <UnifiedDiff text={diff.notes.diff} label="Diff of the notes" />
        </>
      )}
    </div>
  );
}
