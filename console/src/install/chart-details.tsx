import type { ChartVersionList, ChartView } from '@platform/api-client';
import { useEffect, useState } from 'preact/hooks';
import { api, messageOf, unwrap } from '../api.js';
import { Notice } from '../components/notice.js';
import { readChartArchive } from './chart-archive.js';
import { locationQuery, type ChartSource } from './chart-source.js';

/**
 * The chosen chart: a repository's or registry's versions (newest first) and the chosen one's view, or an
 * uploaded archive's own view; its description, README and values schema. Each view is handed up, so the
 * page can prefill its values.
 */
export function ChartDetails(props: {
  source: ChartSource;
  version: string;
  /** The version to choose first when the source has it (the address's); the newest otherwise. */
  preferredVersion?: string;
  onVersion: (version: string) => void;
  onView: (view: ChartView | null) => void;
}) {
  const query = locationQuery(props.source);
  const [versions, setVersions] = useState<ChartVersionList | null>(null);
  const [view, setView] = useState<ChartView | null>(null);
  const [error, setError] = useState('');
  const key = query ? JSON.stringify(query) : props.source;

  const show = (found: ChartView | null) => {
    setView(found);
    props.onView(found);
  };

  useEffect(() => {
    let live = true;
    setVersions(null);
    show(null);
    setError('');
    if (props.source.kind === 'archive') {
      readChartArchive(props.source.file)
        .then((found) => live && show(found))
        .catch(() => live && setError('This file is not a chart archive (a .tgz with a Chart.yaml, as `helm package` makes it).'));
    } else {
      unwrap(api.GET('/api/charts/versions', { params: { query: query! } }))
        .then((found) => {
          if (!live) return;
          setVersions(found);
          const preferred = found.find((entry) => entry.version === props.preferredVersion);
          props.onVersion((preferred ?? found[0])?.version ?? '');
        })
        .catch((failure) => live && setError(messageOf(failure)));
    }
    return () => void (live = false);
  }, [key]);

  useEffect(() => {
    if (!query || props.version === '') return;
    let live = true;
    show(null);
    unwrap(api.GET('/api/charts/show', { params: { query: { ...query, version: props.version } } }))
      .then((found) => live && show(found))
      .catch((failure) => live && setError(messageOf(failure)));
    return () => void (live = false);
  }, [key, props.version]);

  return (
    <section class="card" aria-labelledby="details-heading">
      <h2 id="details-heading">Chart version</h2>
      <Notice kind="error">{error}</Notice>
      {query && versions === null && !error && <p>Loading the chart's versions…</p>}
      {versions && (
        <>
          <label for="chart-version">Version</label>
          <select id="chart-version" value={props.version} onChange={(event) => props.onVersion(event.currentTarget.value)}>
            {versions.map((entry) => (
              <option key={entry.version} value={entry.version}>
                {entry.version}
                {entry.appVersion ? ` (app ${entry.appVersion})` : ''}
              </option>
            ))}
          </select>
        </>
      )}
      {view && <ChartSummary view={view} />}
    </section>
  );
}

function ChartSummary({ view }: { view: ChartView }) {
  return (
    <>
      <p>
        <strong>
          {view.name} {view.version}
        </strong>
        {view.description ? ` — ${view.description}` : ''}
      </p>
      <details>
        <summary>README</summary>
        {view.readme === null ? <p class="hint">This chart has no README.</p> : <pre class="code">{view.readme}</pre>}
      </details>
      <details>
        <summary>Values schema (values.schema.json)</summary>
        {view.schema === null ? <p class="hint">This chart has no values schema.</p> : <pre class="code">{JSON.stringify(view.schema, null, 2)}</pre>}
      </details>
    </>
  );
}
