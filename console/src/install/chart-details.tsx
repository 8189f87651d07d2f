import type { ChartVersionList, ChartView } from '@platform/api-client';
import { useEffect, useState } from 'preact/hooks';
import { api, messageOf, unwrap } from '../api.js';
import { Notice } from '../components/notice.js';
import { locationQuery, type ChartSource } from './chart-source.js';

/**
 * A repository's or registry's chart: its versions (newest first), and for the chosen one its description,
 * README and values schema. Each chosen version's view is handed up, so the page can prefill its values.
 */
export function ChartDetails(props: { source: ChartSource; version: string; onVersion: (version: string) => void; onView: (view: ChartView | null) => void }) {
  const query = locationQuery(props.source);
  const [versions, setVersions] = useState<ChartVersionList | null>(null);
  const [view, setView] = useState<ChartView | null>(null);
  const [error, setError] = useState('');
  const key = JSON.stringify(query);

  useEffect(() => {
    if (!query) return;
    let live = true;
    setVersions(null);
    setError('');
    unwrap(api.GET('/api/charts/versions', { params: { query } }))
      .then((found) => {
        if (!live) return;
        setVersions(found);
        props.onVersion(found[0]?.version ?? '');
      })
      .catch((failure) => live && setError(messageOf(failure)));
    return () => void (live = false);
  }, [key]);

  useEffect(() => {
    if (!query || props.version === '') return;
    let live = true;
    setView(null);
    props.onView(null);
    unwrap(api.GET('/api/charts/show', { params: { query: { ...query, version: props.version } } }))
      .then((found) => {
        if (!live) return;
        setView(found);
        props.onView(found);
      })
      .catch((failure) => live && setError(messageOf(failure)));
    return () => void (live = false);
  }, [key, props.version]);

  if (!query) return null;
  return (
    <section class="card" aria-labelledby="details-heading">
      <h2 id="details-heading">Chart version</h2>
      <Notice kind="error">{error}</Notice>
      {versions === null && !error && <p>Loading the chart's versions…</p>}
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
      {view && (
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
      )}
    </section>
  );
}
