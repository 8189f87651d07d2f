import type { ReleaseBody } from './body-cache.js';
import type { HelmRelease } from './codec.js';

/**
 * One stored revision as its labels describe it. Listing reads labels only; `decode()` gunzips and parses
 * the record (within the decoder's caps, off the event loop when large), so only the revisions a caller
 * returns are ever decoded. A record refused by the decoder is a 500/603 naming it.
 */
export interface ReleaseRecord {
  namespace: string;
  name: string;
  version: number;
  status: string;
  decode(): Promise<HelmRelease>;
}

/** One stored revision as a list sees it: its labels and what names the stored object's current version. */
export interface ReleaseEntry {
  namespace: string;
  name: string;
  version: number;
  status: string;
  /** The stored object's name (`sh.helm.release.v1.NAME.vN` as Helm names them). */
  objectName: string;
  /** Changes with every write of the object (cluster, uid, resourceVersion): the body cache's key. */
  revisionKey: string;
}

/** No stored revision matches. */
export class ReleaseRecordNotFoundError extends Error {
  override readonly name = 'ReleaseRecordNotFoundError';
}

/** The revision already exists (another writer created it first). */
export class ReleaseRecordExistsError extends Error {
  override readonly name = 'ReleaseRecordExistsError';
}

/** A Helm 3 storage backend, byte-compatible with Helm's driver of the same name. */
export interface ReleaseDriver {
  /** Every record owned by Helm in `namespace` ('' = all namespaces), optionally of one release name. */
  list(namespace: string, releaseName?: string): Promise<ReleaseRecord[]>;
  /**
   * Every record's labels in `namespace` ('' = all): one consistent read that carries no release bodies.
   * With `omitSuperseded`, records labelled `superseded` are left out (by the server, so never sent).
   */
  listEntries(namespace: string, omitSuperseded?: boolean): Promise<ReleaseEntry[]>;
  /**
   * The bodies of `entries` (from listEntries on the same `namespace`), in their order; undefined for a
   * record deleted since. A record written since is returned as it is now.
   */
  bodies(namespace: string, entries: readonly ReleaseEntry[]): Promise<Array<ReleaseBody | undefined>>;
  /** Throws ReleaseRecordExistsError when the revision exists. */
  create(release: HelmRelease): Promise<void>;
  /** Replaces a stored revision; throws ReleaseRecordNotFoundError when it does not exist. */
  update(release: HelmRelease): Promise<void>;
}
