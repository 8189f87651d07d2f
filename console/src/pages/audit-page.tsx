import type { operations } from '@platform/api-client';
import { api, unwrap } from '../api.js';
import { useAuditPages } from '../audit/audit-pages.js';
import { AuditTable } from '../audit/audit-table.js';
import { Notice } from '../components/notice.js';
import { navigate, withQuery } from '../router.js';
import { useSession } from '../session.js';

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
  'platform.repository.updated',
  'platform.repository.removed',
  'platform.token.created',
  'platform.token.revoked',
];
/** The last is the most the API gives in one page (GET /api/audit: limit up to 200). */
const pageSizes = [20, 50, 200];
const largestPage = pageSizes[pageSizes.length - 1]!;

/** An address's time (UTC, ISO 8601) as a `datetime-local` value in the reader's time zone, and back. */
function localInputOf(iso: string | undefined): string {
  const time = iso ? new Date(iso) : null;
  if (!time || Number.isNaN(time.getTime())) return '';
  const local = new Date(time.getTime() - time.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}
const isoOf = (local: string): string => (local === '' ? '' : new Date(local).toISOString());

/**
 * The filters of the address: what the API takes, as given (it refuses what breaks a rule, in words), except a
 * page size above the API's largest, which is read as the largest rather than refused.
 */
function filterOf(query: URLSearchParams): AuditQuery {
  const type = query.get('type') ?? '';
  const limit = Number(query.get('limit'));
  return {
    type: (eventTypes as string[]).includes(type) ? (type as EventType) : undefined,
    release: query.get('release') || undefined,
    namespace: query.get('namespace') || undefined,
    context: query.get('context') || undefined,
    from: query.get('from') || undefined,
    to: query.get('to') || undefined,
    limit: Number.isInteger(limit) && limit > 0 ? Math.min(limit, largestPage) : undefined,
  };
}

/** The person's own audit trail, newest first: the filters live in the address (a view can be shared), older pages load below. */
export function AuditPage({ query }: { query: URLSearchParams }) {
  const contexts = useSession().user?.contexts ?? [];
  const filter = filterOf(query);
  const key = JSON.stringify(filter);
  const pages = useAuditPages((cursor) => unwrap(api.GET('/api/audit', { params: { query: { ...filter, cursor } } })), key);

  const applyFilters = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    navigate(
      withQuery('/audit', {
        type: text('type'),
        release: text('release'),
        namespace: text('namespace'),
        context: text('context'),
        from: isoOf(text('from')),
        to: isoOf(text('to')),
        limit: text('limit') === '50' ? undefined : text('limit'),
      }),
    );
  };

  return (
    <section>
      <h1 tabIndex={-1}>Audit trail</h1>
      {/* Uncontrolled fields (defaults from the address, the form remade when it changes): a page arriving while the person types keeps their text. */}
      <form class="card filters" onSubmit={applyFilters} key={key} aria-label="Filters">
        <div class="field">
          <label for="audit-type">Event</label>
          <select id="audit-type" name="type">
            <option value="">All events</option>
            {eventTypes.map((type) => (
              <option key={type} value={type} selected={type === filter.type}>
                {type.replace(/^platform\./, '')}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="audit-release">Release</label>
          <input id="audit-release" name="release" defaultValue={filter.release ?? ''} />
        </div>
        <div class="field">
          <label for="audit-namespace">Namespace</label>
          <input id="audit-namespace" name="namespace" defaultValue={filter.namespace ?? ''} />
        </div>
        <div class="field">
          <label for="audit-context">Context</label>
          <input id="audit-context" name="context" list="audit-contexts" defaultValue={filter.context ?? ''} />
          <datalist id="audit-contexts">
            {contexts.map((context) => (
              <option key={context} value={context} />
            ))}
          </datalist>
        </div>
        <div class="field">
          <label for="audit-from">From (your time)</label>
          <input id="audit-from" name="from" type="datetime-local" defaultValue={localInputOf(filter.from)} />
        </div>
        <div class="field">
          <label for="audit-to">Until (your time)</label>
          <input id="audit-to" name="to" type="datetime-local" defaultValue={localInputOf(filter.to)} />
        </div>
        <div class="field">
          <label for="audit-limit">Per page</label>
          <select id="audit-limit" name="limit">
            {[...new Set([...pageSizes, filter.limit ?? 50])].map((size) => (
              <option key={size} value={String(size)} selected={size === (filter.limit ?? 50)}>
                {size}
              </option>
            ))}
          </select>
        </div>
        <div class="actions">
          <button type="submit">Apply filters</button>
          <button type="button" class="secondary" onClick={() => navigate('/audit')}>
            Clear filters
          </button>
        </div>
      </form>
      <Notice kind="error">{pages.error}</Notice>
      {(pages.events || pages.loading) && (
        <div class="card">
          <AuditTable pages={pages} empty="No event matches these filters." />
        </div>
      )}
    </section>
  );
}
