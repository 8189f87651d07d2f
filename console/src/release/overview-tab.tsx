import type { Release, ReleaseDrift } from '@platform/api-client';
import { useState } from 'preact/hooks';
import { api, messageOf, unwrap } from '../api.js';
import { UnifiedDiff } from '../components/diff-view.js';
import { HealthStatus, useResources } from '../components/health.js';
import { Notice } from '../components/notice.js';
import { formatTime } from '../components/release-bits.js';
import { targetQuery, type ReleaseTarget } from './target.js';
import { TableScroll } from '../components/table-scroll.js';

/** The latest revision's facts, its objects' health, and (on demand) drift of the live objects from the manifest. */
export function OverviewTab({ target, latest, version }: { target: ReleaseTarget; latest: Release; version: number }) {
  const { resources, error } = useResources(target, version);
  const [drift, setDrift] = useState<ReleaseDrift | null>(null);
  const [driftError, setDriftError] = useState('');
  const checkDrift = () => {
    setDriftError('');
    unwrap(api.GET('/api/releases/{name}/drift', { params: { path: { name: target.name }, query: targetQuery(target) } }))
      .then(setDrift)
      .catch((failure) => setDriftError(messageOf(failure)));
  };
  return (
    <>
      <h2>Overview</h2>
      <dl class="facts">
        <dt>Status</dt>
        <dd>{latest.info.status}</dd>
        <dt>Revision</dt>
        <dd>{latest.version}</dd>
        <dt>Chart</dt>
        <dd>
          {latest.chart.metadata.name} {latest.chart.metadata.version}
        </dd>
        <dt>App version</dt>
        <dd>{String(latest.chart.metadata.appVersion ?? '—')}</dd>
        <dt>First deployed</dt>
        <dd>{formatTime(latest.info.first_deployed)}</dd>
        <dt>Last deployed</dt>
        <dd>{formatTime(latest.info.last_deployed)}</dd>
        <dt>Description</dt>
        <dd>{latest.info.description ?? ''}</dd>
      </dl>
      <h2>Health</h2>
      <Notice kind="error">{error}</Notice>
      {resources && (
        <>
          <p>
            Release health: <HealthStatus status={resources.health.status} /> (revision {resources.revision})
          </p>
          <TableScroll label="Objects of the deployed revision">
            <table>
              <caption class="visually-hidden">Objects of the deployed revision</caption>
              <thead>
                <tr>
                  <th scope="col">Kind</th>
                  <th scope="col">Namespace</th>
                  <th scope="col">Name</th>
                  <th scope="col">Health</th>
                  <th scope="col">Message</th>
                </tr>
              </thead>
              <tbody>
                {resources.resources.map((object) => (
                  <tr key={`${object.kind}/${object.namespace}/${object.name}`}>
                    <td>{object.kind}</td>
                    <td>{object.namespace}</td>
                    <th scope="row">{object.name}</th>
                    <td>
                      <HealthStatus status={object.status} />
                    </td>
                    <td>{object.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </>
      )}
      <h2>Drift</h2>
      <p class="hint">Compares the live objects in the cluster with the deployed revision's manifest.</p>
      <button type="button" class="secondary" onClick={checkDrift}>
        Check drift
      </button>
      <Notice kind="error">{driftError}</Notice>
      {drift && (
        <div class="drift" role="status">
          <p>
            {drift.summary.changed} changed, {drift.summary.missing} missing, {drift.summary.unchanged} unchanged, {drift.summary.unknown} unknown.
          </p>
          {drift.objects
            .filter((object) => object.state !== 'unchanged')
            .map((object) => (
              <details key={`${object.kind}/${object.namespace}/${object.name}`}>
                <summary>
                  {object.state}: {object.kind} {object.name}
                </summary>
                <UnifiedDiff text={object.diff} label={`Drift of ${object.kind} ${object.name}`} />
              </details>
            ))}
        </div>
      )}
    </>
  );
}
