import type { Release } from '@platform/api-client';
import { StatusBadge, formatTime } from '../components/release-bits.js';
import type { TabHref } from '../pages/release-page.js';
import { Link } from '../router.js';

/** Every revision, newest first, with the ways to look at one, compare it or return to it. */
export function HistoryTab({ history, tabHref }: { history: Release[]; tabHref: TabHref }) {
  const latest = history[history.length - 1]!.version;
  return (
    <>
      <h2>History</h2>
      <div class="table-scroll">
        <table>
          <caption class="visually-hidden">Revisions, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Revision</th>
              <th scope="col">Status</th>
              <th scope="col">Chart</th>
              <th scope="col">Updated</th>
              <th scope="col">Description</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {[...history].reverse().map((revision) => (
              <tr key={revision.version}>
                <th scope="row">{revision.version}</th>
                <td>
                  <StatusBadge status={revision.info.status} />
                </td>
                <td>
                  {revision.chart.metadata.name}-{revision.chart.metadata.version}
                </td>
                <td>{formatTime(revision.info.last_deployed)}</td>
                <td>{revision.info.description ?? ''}</td>
                <td class="row-actions">
                  <Link href={tabHref('revision', { revision: revision.version })} aria-label={`View revision ${revision.version}`}>
                    View
                  </Link>
                  {revision.version !== latest && (
                    <>
                      <Link href={tabHref('diff', { from: revision.version, to: latest })} aria-label={`Compare revision ${revision.version} with ${latest}`}>
                        Compare with {latest}
                      </Link>
                      <Link href={tabHref('rollback', { revision: revision.version })} aria-label={`Roll back to revision ${revision.version}`}>
                        Roll back to it
                      </Link>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
