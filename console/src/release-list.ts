import type { Release, ReleaseResources, operations } from '@platform/api-client';
import { api, messageOf, unwrap } from './api.js';

export type ReleaseStatus = NonNullable<operations['listReleases']['parameters']['query']['statusFilter']>[number];
export type Storage = NonNullable<operations['listReleases']['parameters']['query']['storage']>;

export const releaseStatuses: readonly ReleaseStatus[] = [
  'deployed',
  'failed',
  'pending-install',
  'pending-upgrade',
  'pending-rollback',
  'superseded',
  'uninstalling',
  'uninstalled',
  'unknown',
];

export interface ListFilter {
  /** Allowed contexts to list; the table merges them. */
  contexts: string[];
  namespace: string;
  statuses: ReleaseStatus[];
  byDate: boolean;
  page: number;
  pageSize: number;
  storage: Storage;
}

/** A listed release; `health` is there because the list asks for it (`health=true`). */
export type ListedRelease = Release & { health?: ReleaseResources['health'] };

export interface ContextRelease {
  context: string;
  release: ListedRelease;
}

export interface ReleasePage {
  rows: ContextRelease[];
  hasNext: boolean;
  /** Contexts whose list failed (unreachable cluster, no right to list there), in the user's words. */
  failures: Array<{ context: string; message: string }>;
}

const deployedAt = (release: Release) => Date.parse(release.info.last_deployed ?? '') || 0;
const byName = (a: Release, b: Release) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0);

/** The API's own order (`helm list`: by name, or by date then name), with the context last to break ties. */
export function compareRows(byDate: boolean) {
  return (a: ContextRelease, b: ContextRelease): number =>
    (byDate ? deployedAt(a.release) - deployedAt(b.release) : 0) ||
    byName(a.release, b.release) ||
    (a.context < b.context ? -1 : a.context > b.context ? 1 : 0);
}

/**
 * One page of the releases of several contexts, in the API's order. The API sorts and pages each context; a
 * merged page k needs the first (k+1)·size of each, so no context is read past what the page could show
 * (plus one, to know whether a next page exists). A context that fails is reported beside the others' rows.
 */
export async function listAcrossContexts(filter: ListFilter): Promise<ReleasePage> {
  const start = (filter.page - 1) * filter.pageSize;
  const single = filter.contexts.length === 1;
  const settled = await Promise.allSettled(
    filter.contexts.map(async (context) => {
      const releases = await unwrap(
        api.GET('/api/releases', {
          params: {
            query: {
              context,
              namespace: filter.namespace,
              storage: filter.storage,
              byDate: filter.byDate || undefined,
              health: true,
              ...(filter.statuses.length > 0 ? { statusFilter: filter.statuses } : {}),
              skip: single ? start : undefined,
              limit: single ? filter.pageSize + 1 : start + filter.pageSize + 1,
            },
          },
        }),
      );
      return releases.map((release): ContextRelease => ({ context, release }));
    }),
  );
  const failures = settled.flatMap((outcome, index) =>
    outcome.status === 'rejected' ? [{ context: filter.contexts[index]!, message: messageOf(outcome.reason) }] : [],
  );
  if (failures.length === filter.contexts.length) throw (settled[0] as PromiseRejectedResult).reason;
  const merged = settled.flatMap((outcome) => (outcome.status === 'fulfilled' ? outcome.value : [])).sort(compareRows(filter.byDate));
  const from = single ? 0 : start;
  return { rows: merged.slice(from, from + filter.pageSize), hasNext: merged.length > from + filter.pageSize, failures };
}
