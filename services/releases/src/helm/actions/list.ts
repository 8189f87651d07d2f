import type { ListReleasesQuery, ReleaseStatus } from '@platform/contracts';
import type { ReleaseBody } from '../body-cache.js';
import type { ReleaseEntry } from '../driver.js';
import type { ReleaseStore } from '../storage.js';

/** `helm list`'s default mask when no status is asked for. */
const defaultStatuses: readonly ReleaseStatus[] = ['deployed', 'failed'];

/** Where a list spent its time (ms), for the Server-Timing header. */
export interface ListPhases {
  /** The fixed cost: the kubeconfig version check and the client lookup. */
  access: number;
  entries: number;
  bodies: number;
  join: number;
}

/**
 * `helm list`: the latest revision per namespace/name, the status mask, the sort, then skip and limit, all
 * decided from labels of one metadata-only read; bodies are read (mostly from the body cache) only for the
 * page returned, or, to sort by date, for those that passed the mask.
 */
export async function listReleases(store: ReleaseStore, query: ListReleasesQuery, phases?: ListPhases): Promise<ReleaseBody[]> {
  const clock = phaseClock();
  const statuses = new Set<string>(query.statusFilter?.length ? query.statusFilter : defaultStatuses);
  // Helm marks a revision superseded only once a newer one exists, so a superseded revision is never a
  // release's latest: unless the mask asks for them, they are not read at all, and a release costs one
  // object instead of one per revision kept (up to helm's --history-max, 10 by default).
  const entries = await store.entries(query.namespace, !statuses.has('superseded'));
  // As Helm: a mask of only `superseded` skips the latest-revision filter (superseded revisions are never latest).
  const onlySuperseded = statuses.size === 1 && statuses.has('superseded');
  const candidates = (onlySuperseded ? entries : latestPerRelease(entries)).filter((entry) => statuses.has(entry.status));
  candidates.sort(byName);
  if (phases) phases.entries = clock();

  const skip = query.skip ?? 0;
  const end = query.limit ? skip + query.limit : undefined;
  let page: ReleaseBody[];
  if (query.byDate) {
    const sorted = present(candidates, await store.bodies(query.namespace, candidates));
    // Stable: equal times keep the name order.
    sorted.sort((a, b) => a.body.lastDeployed - b.body.lastDeployed);
    page = sorted.slice(skip, end).map(({ body }) => body);
  } else {
    const slice = candidates.slice(skip, end);
    page = present(slice, await store.bodies(query.namespace, slice)).map(({ body }) => body);
  }
  if (phases) phases.bodies = clock();
  return page;
}

/**
 * The page as a JSON array, in UTF-8: each release's JSON goes out as Helm stored it, not parsed and serialised
 * again, copied once into the answer.
 */
export function releasesJson(page: readonly ReleaseBody[], phases?: ListPhases): Buffer {
  const started = performance.now();
  let length = page.length > 0 ? page.length + 1 : 2;
  for (const body of page) length += body.bytes.length;
  const json = Buffer.allocUnsafe(length);
  let offset = 0;
  json[offset++] = 0x5b; // [
  for (const [index, body] of page.entries()) {
    if (index > 0) json[offset++] = 0x2c; // ,
    offset += body.bytes.copy(json, offset);
  }
  json[offset] = 0x5d; // ]
  if (phases) phases.join = performance.now() - started;
  return json;
}

/** Entries with their bodies, leaving out those deleted between the list and the read of their bodies. */
function present(entries: readonly ReleaseEntry[], bodies: ReadonlyArray<ReleaseBody | undefined>): Array<{ entry: ReleaseEntry; body: ReleaseBody }> {
  return entries.flatMap((entry, index) => {
    const body = bodies[index];
    return body ? [{ entry, body }] : [];
  });
}

function latestPerRelease(entries: readonly ReleaseEntry[]): ReleaseEntry[] {
  const latest = new Map<string, ReleaseEntry>();
  for (const entry of entries) {
    const key = `${entry.namespace}\u0000${entry.name}`;
    const known = latest.get(key);
    if (!known || known.version < entry.version) latest.set(key, entry);
  }
  return [...latest.values()];
}

function byName(a: ReleaseEntry, b: ReleaseEntry): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0;
}

/** Milliseconds since the previous call (or since creation). */
function phaseClock(): () => number {
  let last = performance.now();
  return () => {
    const now = performance.now();
    const elapsed = now - last;
    last = now;
    return elapsed;
  };
}
