import type { Release } from '@platform/api-client';
import { UnifiedDiff } from '../components/diff-view.js';

/** What an install would make (helm's server-side dry run): the chart, its manifest and notes; nothing is written. */
export function InstallPreview({ release }: { release: Release }) {
  const added = (text: string) =>
    text
      .replace(/\n$/, '')
      .split('\n')
      .map((line) => `+${line}`)
      .join('\n');
  return (
    <section class="card plan" aria-labelledby="install-preview-heading">
      <h2 id="install-preview-heading">Preview of the install</h2>
      <p>
        {release.name} in {release.namespace}: {release.chart.metadata.name}-{release.chart.metadata.version}. Nothing is installed until you press Install.
      </p>
      <h3>Manifest</h3>
      <UnifiedDiff text={added(release.manifest ?? '')} label="Manifest to install" />
      {release.info.notes && (
        <>
          <h3>Notes</h3>
          <pre class="code">{release.info.notes}</pre>
        </>
      )}
    </section>
  );
}
