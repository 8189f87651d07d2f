import type { AuditEvent } from '@platform/api-client';
import { Time } from '../components/release-bits.js';
import { describeMessage } from '../error-words.js';
import type { AuditPages } from './audit-pages.js';
import { TableScroll } from '../components/table-scroll.js';

/** An event type in the table's words: the contract's name without `platform.` (or `platform.release.` on a release's page). */
const shortType = (type: string, prefix: RegExp) => type.replace(prefix, '');
const arrow = (before: string | number | null, after: string | number | null) => `${before ?? '–'} → ${after ?? '–'}`;

/** Who acted: the credential of the request (a session or an API token, by id). */
function whoOf(event: AuditEvent): string {
  const { sessionId, tokenId } = event.data.actor;
  if (tokenId) return `API token ${tokenId}`;
  if (sessionId) return `session ${sessionId}`;
  return '—';
}

/** What an event changed, in one line: a release's place, revisions and chart versions, or its non-secret details. */
function whatOf(event: AuditEvent): string {
  const release = event.data.release;
  if (release) {
    return `${release.context}/${release.namespace}/${release.name}: revision ${arrow(release.revisionBefore, release.revisionAfter)}, chart ${arrow(release.chartVersionBefore, release.chartVersionAfter)}`;
  }
  return Object.entries(event.data.details ?? {})
    .map(([key, value]) => `${key}: ${Array.isArray(value) ? value.join(', ') : String(value)}`)
    .join('; ');
}

function Outcome({ event }: { event: AuditEvent }) {
  const { outcome, error } = event.data;
  return (
    <>
      <span class={`badge ${outcome === 'success' ? 'good' : 'bad'}`}>{outcome}</span>{' '}
      {error && (
        <span class="hint reason">
          error {error.code}: {describeMessage(error.message)}
        </span>
      )}
    </>
  );
}

/**
 * Audit events newest first, with "Show older events" while the store has more. On a release's page
 * (`forRelease`) the release is known: revisions and chart versions get columns of their own.
 */
export function AuditTable({ pages, forRelease = false, empty }: { pages: AuditPages; forRelease?: boolean; empty: string }) {
  const { events, hasMore, loading, loadMore } = pages;
  if (!events) return loading ? <p>Loading events…</p> : null;
  const prefix = forRelease ? /^platform\.release\./ : /^platform\./;
  const columns = forRelease ? ['Time', 'Event', 'Revision', 'Chart version', 'Outcome', 'Who'] : ['Time', 'Event', 'Outcome', 'What', 'Who'];
  return (
    <>
      <TableScroll label="Audit events">
        <table class="audit">
          <caption class="visually-hidden">Audit events, newest first</caption>
          <thead>
            <tr>
              {columns.map((column) => (
                <th scope="col" key={column}>
                  {column}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {events.length === 0 && (
              <tr>
                <td colSpan={columns.length}>{empty}</td>
              </tr>
            )}
            {events.map((event) => (
              <tr key={event.id}>
                <td>
                  <Time value={event.time} />
                </td>
                <th scope="row">{shortType(event.type, prefix)}</th>
                {forRelease ? (
                  <>
                    <td class="change">{arrow(event.data.release?.revisionBefore ?? null, event.data.release?.revisionAfter ?? null)}</td>
                    <td class="change">{arrow(event.data.release?.chartVersionBefore ?? null, event.data.release?.chartVersionAfter ?? null)}</td>
                    <td>
                      <Outcome event={event} />
                    </td>
                  </>
                ) : (
                  <>
                    <td>
                      <Outcome event={event} />
                    </td>
                    <td>{whatOf(event)}</td>
                  </>
                )}
                <td class="mono">{whoOf(event)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {hasMore && (
        <div class="actions">
          <button type="button" class="secondary" disabled={loading} onClick={loadMore}>
            Show older events
          </button>
        </div>
      )}
    </>
  );
}
