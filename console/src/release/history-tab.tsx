import type { Release } from '@platform/api-client';
import { StatusBadge, formatTime } from '../components/release-bits.js';
import type { TabHref } from '../pages/release-page.js';
import { Link } from '../router.js';
import { TableScroll } from '../components/table-scroll.js';

/** Every revision, newest first, with the ways to look at one, compare it or return to it. */
export function HistoryTab({ history, tabHref }: { history: Release[]; tabHref: TabHref }) {
  const latest = history[history.length - 1]!.version;
  return (
    <>
      <h2>History</h2>
      <TableScroll label="Revisions">
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
                      {/* Hidden words complete the link's name rather than an aria-label replacing it: the name keeps the visible words (WCAG 2.5.3). */}
                      <Link href={tabHref('diff', { from: revision.version, to: latest })}>
                        Compare <span class="visually-hidden">revision {revision.version} </span>with {latest}
                      </Link>
                      <Link href={tabHref('rollback', { revision: revision.version })}>
                        Roll back<span class="visually-hidden"> to revision {revision.version}</span>
                      </Link>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </>
  );
}
