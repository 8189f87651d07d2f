import type { ListReleasesQuery, ReleaseStatus } from '@platform/contracts';
import type { HelmRelease } from '../codec.js';
import type { ReleaseRecord } from '../driver.js';
import type { ReleaseStore } from '../storage.js';

/** `helm list`'s default mask when no status is asked for. */
const defaultStatuses: readonly ReleaseStatus[] = ['deployed', 'failed'];

/**
 * `helm list`: the latest revision per namespace/name (chosen from labels), the status mask, the sort, then
 * skip and limit. Only returned revisions are decoded (and, to sort by date, those that passed the mask).
 */
export async function listReleases(store: ReleaseStore, query: ListReleasesQuery): Promise<HelmRelease[]> {
  const statuses = new Set<string>(query.statusFilter?.length ? query.statusFilter : defaultStatuses);
  const records = await store.records(query.namespace);
  // As Helm: a mask of only `superseded` skips the latest-revision filter (superseded revisions are never latest).
  const onlySuperseded = statuses.size === 1 && statuses.has('superseded');
  const candidates = (onlySuperseded ? records : latestPerRelease(records)).filter((record) => statuses.has(record.status));

  const skip = query.skip ?? 0;
  const limit = query.limit ? query.limit : Number.POSITIVE_INFINITY;
  if (query.byDate) {
    const releases = await Promise.all(candidates.map((record) => record.decode()));
    releases.sort((a, b) => lastDeployed(a) - lastDeployed(b) || byName(a, b));
    return releases.slice(skip, skip + limit);
  }
  candidates.sort(byName);
  return Promise.all(candidates.slice(skip, skip + limit).map((record) => record.decode()));
}

function latestPerRelease(records: ReleaseRecord[]): ReleaseRecord[] {
  const latest = new Map<string, ReleaseRecord>();
  for (const record of records) {
    const key = `${record.namespace}\u0000${record.name}`;
    const known = latest.get(key);
    if (!known || known.version < record.version) latest.set(key, record);
  }
  return [...latest.values()];
}

function byName(a: { name: string; namespace: string }, b: { name: string; namespace: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0;
}

function lastDeployed(release: HelmRelease): number {
  const time = Date.parse(release.info.last_deployed ?? '');
  return Number.isNaN(time) ? 0 : time;
}
