import type { AuditEvent, operations } from '@platform/api-client';
import { useEffect, useState } from 'preact/hooks';
import { api, messageOf, unwrap } from '../api.js';
import { formatTime } from '../components/release-bits.js';
import { Notice } from '../components/notice.js';
import { navigate, withQuery } from '../router.js';

type AuditQuery = NonNullable<operations['listAuditEvents']['parameters']['query']>;
type EventType = NonNullable<AuditQuery['type']>;

/** The types a person filters by, in the words of the table (the contract's names without `platform.`). */
const eventTypes: EventType[] = [
  'platform.release.installed',
  'platform.release.upgraded',
  'platform.release.rolled-back',
  'platform.release.uninstalled',
  'platform.user.signed-up',
  'platform.user.logged-in',
  'platform.user.logged-out',
  'platform.user.kubeconfig-changed',
  'platform.user.contexts-changed',
  'platform.repository.added',
  'platform.repository.removed',
  'platform.token.created',
  'platform.token.revoked',
];
const shortType = (type: string) => type.replace(/^platform\./, '');

/** What an event changed, in one line: a release's revisions and chart versions, or its non-secret details. */
function whatOf(event: AuditEvent): string {
  const release = event.data.release;
  if (release) {
    const revisions = `revision ${release.revisionBefore ?? '–'} → ${release.revisionAfter ?? '–'}`;
    const charts = release.chartVersionAfter && release.chartVersionAfter !== release.chartVersionBefore ? `, chart ${release.chartVersionAfter}` : '';
    return `${release.context}/${release.namespace}/${release.name}: ${revisions}${charts}`;
  }
  return Object.entries(event.data.details ?? {})
    .map(([key, value]) => `${key}: ${Array.isArray(value) ? value.join(', ') : String(value)}`)
    .join('; ');
}

/** The person's own audit trail, newest first: filters live in the address, later pages load below. */
export function AuditPage({ query }: { query: URLSearchParams }) {
  const filter: AuditQuery = {
    type: (eventTypes as string[]).includes(query.get('type') ?? '') ? (query.get('type') as EventType) : undefined,
    release: query.get('release') || undefined,
    namespace: query.get('namespace') || undefined,
  };
  const [events, setEvents] = useState<AuditEvent[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState('');
  const key = query.toString();

  const load = async (after: string | null) => {
    try {
      const page = await unwrap(api.GET('/api/audit', { params: { query: { ...filter, cursor: after ?? undefined } } }));
      setEvents((shown) => [...(after ? (shown ?? []) : []), ...page.events]);
      setCursor(page.nextCursor);
      setError('');
    } catch (failure) {
      setError(messageOf(failure));
    }
  };
  useEffect(() => void load(null), [key]);

  const applyFilters = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    navigate(
      withQuery('/audit', {
        type: String(form.get('type') ?? ''),
        release: String(form.get('release') ?? '').trim(),
        namespace: String(form.get('namespace') ?? '').trim(),
      }),
    );
  };

  return (
    <section>
      <h1 tabIndex={-1}>Audit trail</h1>
      <form class="card filters" onSubmit={applyFilters} key={key} aria-label="Filters">
        <div class="field">
          <label for="audit-type">Event</label>
          <select id="audit-type" name="type" value={filter.type ?? ''}>
            <option value="">All events</option>
            {eventTypes.map((type) => (
              <option key={type} value={type}>
                {shortType(type)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="audit-release">Release</label>
          <input id="audit-release" name="release" value={filter.release ?? ''} />
        </div>
        <div class="field">
          <label for="audit-namespace">Namespace</label>
          <input id="audit-namespace" name="namespace" value={filter.namespace ?? ''} />
        </div>
        <div class="actions">
          <button type="submit">Apply filters</button>
        </div>
      </form>
      <Notice kind="error">{error}</Notice>
      {events && (
        <div class="card table-scroll">
          <table class="audit">
            <caption class="visually-hidden">Audit events, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Event</th>
                <th scope="col">Outcome</th>
                <th scope="col">What</th>
                <th scope="col">Credential</th>
              </tr>
            </thead>
            <tbody>
              {events.length === 0 && (
                <tr>
                  <td colSpan={5}>No event matches these filters.</td>
                </tr>
              )}
              {events.map((event) => (
                <tr key={event.id}>
                  <td>{formatTime(event.time)}</td>
                  <th scope="row">{shortType(event.type)}</th>
                  <td>
                    <span class={`badge ${event.data.outcome === 'success' ? 'good' : 'bad'}`}>{event.data.outcome}</span>
                    {event.data.error && <span class="hint"> {event.data.error.message}</span>}
                  </td>
                  <td>{whatOf(event)}</td>
                  <td>{event.data.actor.tokenId ? `API token ${event.data.actor.tokenId}` : event.data.actor.sessionId ? 'session' : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {cursor && (
            <div class="actions">
              <button type="button" class="secondary" onClick={() => void load(cursor)}>
                Show older events
              </button>
            </div>
          )}
        </div>
      )}
    </section>
  );
}
