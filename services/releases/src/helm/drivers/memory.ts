import { decodeRelease, encodeRelease, releaseKey, type DecodeLimits, type HelmRelease } from '../codec.js';
import { releaseBodyOf, type ReleaseBody } from '../body-cache.js';
import { ReleaseRecordExistsError, ReleaseRecordNotFoundError, type ReleaseDriver, type ReleaseEntry, type ReleaseRecord } from '../driver.js';

interface StoredRecord {
  namespace: string;
  name: string;
  version: number;
  status: string;
  encoded: string;
}

/**
 * Every in-process release of the service, kept apart per scope (a user and context). Records are stored
 * encoded as Helm would store them, so callers never share mutable objects.
 */
export class MemoryReleaseRecords {
  private readonly scopes = new Map<string, Map<string, StoredRecord>>();

  driver(scope: string): MemoryDriver {
    let records = this.scopes.get(scope);
    if (!records) {
      records = new Map();
      this.scopes.set(scope, records);
    }
    return new MemoryDriver(records);
  }

  /** Forgets a user's releases (on user deletion). */
  dropScopesWithPrefix(prefix: string): void {
    for (const scope of this.scopes.keys()) if (scope.startsWith(prefix)) this.scopes.delete(scope);
  }
}

/** Helm's `memory` driver: in-process records for tests and demos, never on a cluster. */
export class MemoryDriver implements ReleaseDriver {
  constructor(private readonly records: Map<string, StoredRecord>) {}

  async list(namespace: string, releaseName?: string): Promise<ReleaseRecord[]> {
    return [...this.records.values()]
      .filter((record) => (!namespace || record.namespace === namespace) && (!releaseName || record.name === releaseName))
      .map((record) => ({ ...record, decode: async () => decodeRelease(record.encoded, ownRecords) }));
  }

  async listEntries(namespace: string, omitSuperseded = false): Promise<ReleaseEntry[]> {
    const records = (await this.list(namespace)).filter((record) => !omitSuperseded || record.status !== 'superseded');
    return records.map(({ namespace: recordNamespace, name, version, status }) => {
      const objectName = releaseKey(name, version);
      // In-process records are never cached (bodies reads them directly), so no version needs telling apart.
      return { namespace: recordNamespace, name, version, status, objectName, revisionKey: `${recordNamespace}/${objectName}` };
    });
  }

  async bodies(_namespace: string, entries: readonly ReleaseEntry[]): Promise<Array<ReleaseBody | undefined>> {
    return entries.map((entry) => {
      const record = this.records.get(`${entry.namespace}/${entry.objectName}`);
      return record && releaseBodyOf(decodeRelease(record.encoded, ownRecords));
    });
  }

  async create(release: HelmRelease): Promise<void> {
    const key = storeKey(release);
    if (this.records.has(key)) throw new ReleaseRecordExistsError(key);
    this.records.set(key, storedRecordOf(release));
  }

  async update(release: HelmRelease): Promise<void> {
    const key = storeKey(release);
    if (!this.records.has(key)) throw new ReleaseRecordNotFoundError(key);
    this.records.set(key, storedRecordOf(release));
  }
}

/** Memory records are this process's own encoding of what helm rendered: no cluster wrote them. */
const ownRecords: DecodeLimits = { maxEncodedChars: Number.POSITIVE_INFINITY, maxDecodedBytes: 2 ** 31 - 1 };

function storeKey(release: HelmRelease): string {
  return `${release.namespace}/${releaseKey(release.name, release.version)}`;
}

function storedRecordOf(release: HelmRelease): StoredRecord {
  return {
    namespace: release.namespace,
    name: release.name,
    version: release.version,
    status: release.info.status,
    encoded: encodeRelease(release),
  };
}
