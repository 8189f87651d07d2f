import { useEffect, useState } from 'preact/hooks';
import { api, messageOf, unwrap } from '../api.js';
import { releasePath } from '../app.js';
import { HealthStatus } from '../components/health.js';
import { Notice } from '../components/notice.js';
import { StatusBadge, formatTime } from '../components/release-bits.js';
import { listAcrossContexts, releaseStatuses, type ListFilter, type ReleasePage, type ReleaseStatus, type Storage } from '../release-list.js';
import { Link, navigate, withQuery } from '../router.js';
import { useSession } from '../session.js';
import { TableScroll } from '../components/table-scroll.js';

const pageSizes = [10, 25, 50];
const storages: Storage[] = ['secret', 'configmap', 'memory'];

function filterFrom(query: URLSearchParams, allowed: string[]): ListFilter {
  const context = query.get('context') ?? '';
  const size = Number(query.get('size'));
  const storage = query.get('storage') as Storage | null;
  return {
    contexts: context !== '' && allowed.includes(context) ? [context] : allowed,
    namespace: query.get('namespace') ?? '',
    statuses: query.getAll('status').filter((status): status is ReleaseStatus => releaseStatuses.includes(status as ReleaseStatus)),
    byDate: query.get('sort') === 'date',
    page: Math.max(1, Number(query.get('page')) || 1),
    // The select offers the usual sizes; an address may ask for any size up to 100.
    pageSize: Number.isInteger(size) && size >= 1 && size <= 100 ? size : pageSizes[0]!,
    storage: storage && storages.includes(storage) ? storage : 'secret',
  };
}

/** The releases of every allowed context in one table: filters, sorting and paging live in the address. */
export function ReleasesPage({ query }: { query: URLSearchParams }) {
  const session = useSession();
  const allowed = session.user?.contexts ?? [];
  const filter = filterFrom(query, allowed);
  const context = query.get('context') ?? '';
  const [page, setPage] = useState<ReleasePage | null>(null);
  const [error, setError] = useState('');
  const [namespaces, setNamespaces] = useState<string[]>([]);
  const key = query.toString() + allowed.join(',');

  useEffect(() => {
    if (allowed.length === 0) return;
    let live = true;
    setError('');
    listAcrossContexts(filter)
      .then((found) => live && setPage(found))
      .catch((failure) => {
        if (!live) return;
        setPage(null);
        setError(messageOf(failure));
      });
    return () => void (live = false);
  }, [key]);

  useEffect(() => {
    const first = filter.contexts[0];
    if (!first) return;
    unwrap(api.GET('/api/k8s/namespaces', { params: { query: { context: first } } }))
      .then((list) => setNamespaces(list.items.map((item) => item.metadata.name)))
      .catch(() => setNamespaces([]));
  }, [filter.contexts.join(',')]);

  const go = (changes: Record<string, string | number | string[] | undefined>) =>
    navigate(
      withQuery('/releases', {
        context,
        namespace: filter.namespace,
        status: filter.statuses,
        sort: filter.byDate ? 'date' : undefined,
        size: filter.pageSize === pageSizes[0] ? undefined : filter.pageSize,
        storage: filter.storage === 'secret' ? undefined : filter.storage,
        page: undefined,
        ...changes,
      }),
    );

  const applyFilters = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    go({
      context: String(form.get('context') ?? ''),
      namespace: String(form.get('namespace') ?? '').trim(),
      status: form.getAll('status').map(String),
      sort: form.get('sort') === 'date' ? 'date' : undefined,
      size: Number(form.get('size')) === pageSizes[0] ? undefined : Number(form.get('size')),
      storage: form.get('storage') === 'secret' ? undefined : String(form.get('storage')),
    });
  };

  if (allowed.length === 0) {
    return (
      <section>
        <h1 tabIndex={-1}>Releases</h1>
        <div class="card">
          <p>No context is allowed yet.</p>
          <p>
            <Link href="/kubeconfig">Store your kubeconfig and choose contexts</Link> to see their releases.
          </p>
        </div>
      </section>
    );
  }

  return (
    <section>
      <h1 tabIndex={-1}>Releases</h1>
      {/* Uncontrolled fields (defaults from the address, the form remade when it changes): the list or the
          namespaces arriving while the person types re-render the page, and must keep what they typed. */}
      <form class="card filters" onSubmit={applyFilters} key={key} aria-label="Filters">
        <div class="field">
          <label for="filter-context">Context</label>
          <select id="filter-context" name="context">
            <option value="" selected={context === ''}>
              All allowed contexts
            </option>
            {allowed.map((name) => (
              <option value={name} key={name} selected={name === context}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="filter-namespace">Namespace</label>
          <input id="filter-namespace" name="namespace" list="namespace-options" placeholder="all namespaces" defaultValue={filter.namespace} />
          <datalist id="namespace-options">
            {namespaces.map((name) => (
              <option value={name} key={name} />
            ))}
          </datalist>
        </div>
        <div class="field">
          <label for="filter-sort">Sort by</label>
          <select id="filter-sort" name="sort">
            <option value="name" selected={!filter.byDate}>
              Name
            </option>
            <option value="date" selected={filter.byDate}>
              Last deployed (oldest first)
            </option>
          </select>
        </div>
        <div class="field">
          <label for="filter-size">Per page</label>
          <select id="filter-size" name="size">
            {[...new Set([...pageSizes, filter.pageSize])]
              .sort((a, b) => a - b)
              .map((size) => (
                <option value={String(size)} key={size} selected={size === filter.pageSize}>
                  {size}
                </option>
              ))}
          </select>
        </div>
        <div class="field">
          <label for="filter-storage">Storage</label>
          <select id="filter-storage" name="storage">
            {storages.map((storage) => (
              <option value={storage} key={storage} selected={storage === filter.storage}>
                {storage}
              </option>
            ))}
          </select>
        </div>
        <fieldset class="statuses">
          <legend>Status (none: deployed and failed)</legend>
          {releaseStatuses.map((status) => (
            <label key={status} class="check">
              <input type="checkbox" name="status" value={status} defaultChecked={filter.statuses.includes(status)} /> {status}
            </label>
          ))}
        </fieldset>
        <div class="actions">
          <button type="submit">Apply filters</button>
        </div>
      </form>
      <Notice kind="error">{error}</Notice>
      {page?.failures.map((failure) => (
        <Notice kind="error" key={failure.context}>
          Context {failure.context}: {failure.message}
        </Notice>
      ))}
      {page && (
        <div class="card">
          <TableScroll label="Releases">
            <table class="releases">
              <caption class="visually-hidden">Releases, page {filter.page}</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Namespace</th>
                  <th scope="col">Context</th>
                  <th scope="col">Revision</th>
                  <th scope="col">Status</th>
                  <th scope="col">Health</th>
                  <th scope="col">Chart</th>
                  <th scope="col">App version</th>
                  <th scope="col">Last deployed</th>
                </tr>
              </thead>
              <tbody>
                {page.rows.length === 0 && (
                  <tr>
                    <td colSpan={9}>No release matches these filters.</td>
                  </tr>
                )}
                {page.rows.map(({ context: rowContext, release }) => (
                  <tr key={`${rowContext}/${release.namespace}/${release.name}`}>
                    <th scope="row">
                      <Link
                        href={withQuery(releasePath(rowContext, release.namespace, release.name), {
                          storage: filter.storage === 'secret' ? undefined : filter.storage,
                        })}
                      >
                        {release.name}
                      </Link>
                    </th>
                    <td>{release.namespace}</td>
                    <td>{rowContext}</td>
                    <td>{release.version}</td>
                    <td>
                      <StatusBadge status={release.info.status} />
                    </td>
                    <td>{release.health ? <HealthStatus status={release.health.status} /> : <span class="hint">—</span>}</td>
                    <td>
                      {release.chart.metadata.name}-{release.chart.metadata.version}
                    </td>
                    <td>{String(release.chart.metadata.appVersion ?? '')}</td>
                    <td>{formatTime(release.info.last_deployed)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
          <nav class="pager" aria-label="Pages">
            <button type="button" class="secondary" disabled={filter.page <= 1} onClick={() => go({ page: filter.page - 1 > 1 ? filter.page - 1 : undefined })}>
              Previous
            </button>
            <span>Page {filter.page}</span>
            <button type="button" class="secondary" disabled={!page.hasNext} onClick={() => go({ page: filter.page + 1 })}>
              Next
            </button>
          </nav>
        </div>
      )}
    </section>
  );
}
