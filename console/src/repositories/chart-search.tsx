import type { operations } from '@platform/api-client';
import { useEffect, useState } from 'preact/hooks';
import { api, messageOf, unwrap } from '../api.js';
import { Notice } from '../components/notice.js';
import { describeMessage } from '../error-words.js';
import { Link, navigate, withQuery } from '../router.js';
import { TableScroll } from '../components/table-scroll.js';

type SearchResult = operations['searchCharts']['responses'][200]['content']['application/json'];
type FoundChart = SearchResult['charts'][number];

/** The install page with a repository's chart and version chosen (it reads them from its address). */
export const installHref = (chart: { repository: string; name: string }, version: string) =>
  withQuery('/install', { repository: chart.repository, chart: chart.name, version });

/**
 * Charts of all the person's repositories whose name or description holds the words (`q` in the address, so
 * a search can be shared), each with its versions and an Install link; repositories that could not be read
 * are listed apart, with the reason. `repositories` names the person's repositories as the page last read them
 * (null until it has read them or failed to: then empty).
 */
export function ChartSearch({ query, repositories }: { query: URLSearchParams; repositories: string | null }) {
  const q = query.get('q') ?? '';
  const searched = query.has('q');
  const [result, setResult] = useState<SearchResult | null>(null);
  const [error, setError] = useState('');
  const [chosen, setChosen] = useState<Record<string, string>>({});

  // Searched again when a repository is added or removed on the page; not before the page knows them.
  useEffect(() => {
    setResult(null);
    setError('');
    if (!searched || repositories === null) return;
    let live = true;
    unwrap(api.GET('/api/repositories/search', { params: { query: { q } } }))
      .then((found) => live && setResult(found))
      .catch((failure) => live && setError(messageOf(failure)));
    return () => void (live = false);
  }, [q, searched, repositories]);

  const search = (event: Event) => {
    event.preventDefault();
    const words = String(new FormData(event.currentTarget as HTMLFormElement).get('q') ?? '').trim();
    navigate(`/repositories?${new URLSearchParams({ q: words }).toString()}`);
  };
  const keyOf = (chart: FoundChart) => `${chart.repository}/${chart.name}`;
  const versionOf = (chart: FoundChart) => chosen[keyOf(chart)] ?? chart.latestVersion;

  return (
    <section class="card" aria-labelledby="search-heading">
      <h2 id="search-heading">Search charts</h2>
      <form role="search" aria-label="Charts of your repositories" class="inline-fields" onSubmit={search} key={q}>
        <div class="field wide">
          <label for="chart-search">Chart name or words of its description (empty: every chart)</label>
          <input id="chart-search" name="q" type="search" defaultValue={q} />
        </div>
        <div class="actions">
          <button type="submit">Search</button>
        </div>
      </form>
      <Notice kind="error">{error}</Notice>
      {searched && result === null && !error && <p>Searching your repositories…</p>}
      {result && result.unavailable.length > 0 && (
        <div class="notice info" role="status">
          <p>These repositories could not be read, so their charts are missing:</p>
          <ul class="unavailable">
            {result.unavailable.map((entry) => (
              <li key={entry.repository}>
                <strong>{entry.repository}</strong>: {describeMessage(entry.error)}
              </li>
            ))}
          </ul>
        </div>
      )}
      {result && result.charts.length === 0 && <p>No chart matches {q === '' ? 'in your repositories' : `“${q}”`}.</p>}
      {result && result.charts.length > 0 && (
        <TableScroll label="Charts found">
          <table class="chart-results">
            <caption class="visually-hidden">Charts found</caption>
            <thead>
              <tr>
                <th scope="col">Repository</th>
                <th scope="col">Chart</th>
                <th scope="col" class="latest">
                  Latest version
                </th>
                <th scope="col">Versions</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {result.charts.map((chart) => (
                <tr key={keyOf(chart)}>
                  <td>{chart.repository}</td>
                  <th scope="row">
                    {chart.name}
                    {chart.description && <span class="hint description"> — {chart.description}</span>}
                  </th>
                  <td class="latest">
                    {chart.latestVersion}
                    {chart.appVersion ? <span class="hint"> (app {chart.appVersion})</span> : ''}
                  </td>
                  <td>
                    <label class="visually-hidden" for={`versions-${keyOf(chart)}`}>
                      Version of {chart.name} in {chart.repository}
                    </label>
                    <select
                      id={`versions-${keyOf(chart)}`}
                      value={versionOf(chart)}
                      onChange={(event) => setChosen({ ...chosen, [keyOf(chart)]: event.currentTarget.value })}
                    >
                      {chart.versions.map((version) => (
                        <option key={version} value={version}>
                          {version}
                        </option>
                      ))}
                    </select>
                    <span class="hint count"> {chart.versions.length === 1 ? '1 version' : `${chart.versions.length} versions`}</span>
                  </td>
                  <td class="row-actions">
                    <Link href={installHref(chart, versionOf(chart))} aria-label={`Install ${chart.name} ${versionOf(chart)} from ${chart.repository}`}>
                      Install
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {result?.truncated && <p class="hint">More charts or versions matched than are shown: search with more precise words.</p>}
    </section>
  );
}
