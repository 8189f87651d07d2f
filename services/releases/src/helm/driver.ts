import type { StorageDriverName } from '@platform/contracts';
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
  readonly name: StorageDriverName;
  /** Every record owned by Helm in `namespace` ('' = all namespaces), optionally of one release name. */
  list(namespace: string, releaseName?: string): Promise<ReleaseRecord[]>;
  /** Throws ReleaseRecordExistsError when the revision exists. */
  create(release: HelmRelease): Promise<void>;
  /** Replaces a stored revision; throws ReleaseRecordNotFoundError when it does not exist. */
  update(release: HelmRelease): Promise<void>;
}
