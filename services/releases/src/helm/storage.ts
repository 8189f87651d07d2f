import { AppError } from '@platform/service-kit';
import { ErrorCode, ErrorMessage, ambiguousRelease } from '@platform/contracts';
import type { HelmRelease } from './codec.js';
import type { ReleaseBody } from './body-cache.js';
import type { ReleaseDriver, ReleaseEntry, ReleaseRecord } from './driver.js';

export const pendingStatuses: ReadonlySet<string> = new Set(['pending-install', 'pending-upgrade', 'pending-rollback']);

export function releaseNotFound(): AppError {
  return AppError.notFound(ErrorMessage.releaseNotFound);
}

/** Helm's Storage: history and "last deployed" rules over one driver. */
export class ReleaseStore {
  constructor(readonly driver: ReleaseDriver) {}

  /** Every revision's labels in `namespace` ('' = all), without bodies: what a list decides from. */
  entries(namespace: string, omitSuperseded = false): Promise<ReleaseEntry[]> {
    return this.driver.listEntries(namespace, omitSuperseded);
  }

  /** The bodies of entries from `entries(namespace)`, in order (undefined: deleted since). */
  bodies(namespace: string, entries: readonly ReleaseEntry[]): Promise<Array<ReleaseBody | undefined>> {
    return this.driver.bodies(namespace, entries);
  }

  /**
   * The revisions of one release, ascending; 404/602 when there is none. With namespace '' the release is
   * found by name in every namespace, in the same one labelled list (409/610 when the name is in several).
   */
  async historyRecords(namespace: string, name: string): Promise<ReleaseRecord[]> {
    const records = await this.driver.list(namespace, name);
    if (records.length === 0) throw releaseNotFound();
    const namespaces = [...new Set(records.map((record) => record.namespace))].sort();
    if (namespaces.length > 1) throw new AppError(409, ErrorCode.AmbiguousRelease, [ambiguousRelease(name, namespaces)]);
    return records.sort((a, b) => a.version - b.version);
  }

  /** The highest revision. */
  async last(namespace: string, name: string): Promise<ReleaseRecord> {
    return (await this.historyRecords(namespace, name)).at(-1)!;
  }

  /**
   * Revision `revision`; 0 means the latest deployed one, or the highest when none is deployed.
   * 404/602 for an unknown release or revision.
   */
  async get(namespace: string, name: string, revision: number): Promise<HelmRelease> {
    const history = await this.historyRecords(namespace, name);
    const record =
      revision === 0 ? (history.filter((entry) => entry.status === 'deployed').at(-1) ?? history.at(-1)) : history.find((entry) => entry.version === revision);
    if (!record) throw releaseNotFound();
    return await record.decode();
  }

  create(release: HelmRelease): Promise<void> {
    return this.driver.create(release);
  }

  update(release: HelmRelease): Promise<void> {
    return this.driver.update(release);
  }
}
