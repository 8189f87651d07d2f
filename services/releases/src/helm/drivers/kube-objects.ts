import { ErrorCode, type StorageDriverName } from '@platform/contracts';
import { AppError } from '@platform/service-kit';
import { type KubeApi, KubeConflictError, KubeNotFoundError, type KubeObjectOf } from '../../kube/api.js';
import type { ObjectMetadata } from '../../kube/object-metadata.js';
import { releaseBodyOf, type ReleaseBody, type ReleaseBodyCache } from '../body-cache.js';
import { encodeRelease, ReleaseRecordRefusedError, releaseKey, type HelmRelease } from '../codec.js';
import type { RecordDecoder } from '../release-decoder.js';
import { ReleaseRecordExistsError, ReleaseRecordNotFoundError, type ReleaseDriver, type ReleaseEntry, type ReleaseRecord } from '../driver.js';

type ListedObject = KubeObjectOf<'SecretList'>['items'][number];

/** How one kind of Kubernetes object holds a release (Secret and ConfigMap differ only here). */
export interface ReleaseObjectKind {
  driver: StorageDriverName;
  resource: 'secrets' | 'configmaps';
  kind: 'Secret' | 'ConfigMap';
  /** Extra top-level fields of a new object (the Secret type). */
  extraFields: Record<string, unknown>;
  /** `data.release` as the API carries it, from Helm's encoded release. */
  wrap(encoded: string): string;
  /** Layers of base64 around the gzip in `data.release` (a Secret's data is base64 once more). */
  base64Layers: 1 | 2;
}

/**
 * Above this many bodies missing from the cache, one list of the whole namespace is cheaper than a GET per
 * object (a GET is a read from etcd; the unpaged list comes from the watch cache).
 */
const singleGetsMax = 64;
const singleGetsInFlight = 8;
/** The labels a list decides from. */
const entryLabels = ['name', 'status', 'version'];

/** Helm's secrets and configmaps drivers: one object per revision, labelled so that lists need no decoding. */
export class KubeObjectReleaseDriver implements ReleaseDriver {
  /** Objects a server sent whole with its answer to listEntries (one that ignores metadata-only lists). */
  private readonly sentWithList = new Map<string, ListedObject>();

  constructor(
    private readonly api: KubeApi,
    private readonly decoder: RecordDecoder,
    private readonly objects: ReleaseObjectKind,
    private readonly cache?: ReleaseBodyCache,
  ) {}

  /**
   * One list without paging, as Helm's drivers list: the apiserver answers it from its watch cache (a
   * consistent read, Kubernetes 1.31+), while every page of a paged list is read from etcd, several times slower.
   */
  async list(namespace: string, releaseName?: string): Promise<ReleaseRecord[]> {
    const selector = encodeURIComponent(releaseName ? `name=${releaseName},owner=helm` : 'owner=helm');
    const list = await this.api.call('GET', `${this.collection(namespace)}?labelSelector=${selector}`, `${this.objects.kind}List`);
    const records: ReleaseRecord[] = [];
    for (const item of list.items) {
      const record = this.recordOf(item);
      if (record) records.push(record);
    }
    return records;
  }

  async listEntries(namespace: string, omitSuperseded = false): Promise<ReleaseEntry[]> {
    const entries: ReleaseEntry[] = [];
    const listKind = `${this.objects.kind}List` as const;
    for (const meta of await this.api.metadataList(`${this.collection(namespace)}?labelSelector=${selectorOf(omitSuperseded)}`, entryLabels, listKind)) {
      const version = Number(meta.labels.version);
      if (!meta.labels.name || !meta.namespace || !Number.isInteger(version)) continue;
      if (meta.sentObject) this.sentWithList.set(objectPath(meta.namespace, meta.name), meta.sentObject);
      entries.push({
        namespace: meta.namespace,
        name: meta.labels.name,
        version,
        status: meta.labels.status ?? 'unknown',
        objectName: meta.name,
        revisionKey: this.revisionKey(meta),
      });
    }
    return entries;
  }

  async bodies(namespace: string, entries: readonly ReleaseEntry[]): Promise<Array<ReleaseBody | undefined>> {
    // Almost always no server sent whole objects: then each body is a cache lookup, without a promise each.
    const bodies =
      this.sentWithList.size === 0
        ? entries.map((entry) => this.cached(entry.revisionKey))
        : await Promise.all(
            entries.map((entry) => {
              const sent = this.sentWithList.get(objectPath(entry.namespace, entry.objectName));
              return sent ? this.bodyOf(sent) : Promise.resolve(this.cached(entry.revisionKey));
            }),
          );
    const missing: number[] = [];
    for (const [index, body] of bodies.entries()) if (!body) missing.push(index);
    if (missing.length === 0) return bodies;
    const wanted = missing.map((index) => entries[index]!);
    const found = wanted.length > singleGetsMax ? await this.readAllOrEach(namespace, wanted) : await this.readEachOrAll(namespace, wanted);
    for (const index of missing) bodies[index] = found.get(objectPath(entries[index]!.namespace, entries[index]!.objectName));
    return bodies;
  }

  async create(release: HelmRelease): Promise<void> {
    const labels = { createdAt: unixNow() };
    try {
      await this.api.call('POST', `/api/v1/namespaces/${release.namespace}/${this.objects.resource}`, this.objects.kind, this.objectOf(release, labels));
    } catch (error) {
      if (error instanceof KubeConflictError) throw new ReleaseRecordExistsError(releaseKey(release.name, release.version), { cause: error });
      throw error;
    }
  }

  async update(release: HelmRelease): Promise<void> {
    const key = releaseKey(release.name, release.version);
    // As Helm's Update: the object is replaced, createdAt gives way to modifiedAt.
    const labels = { modifiedAt: unixNow() };
    try {
      await this.api.call('PUT', `/api/v1/namespaces/${release.namespace}/${this.objects.resource}/${key}`, this.objects.kind, this.objectOf(release, labels));
    } catch (error) {
      if (error instanceof KubeNotFoundError) throw new ReleaseRecordNotFoundError(key, { cause: error });
      throw error;
    }
  }

  /** The objects of `entries` out of one consistent list of the namespace, keyed by namespace/name. */
  private async readAll(namespace: string, entries: readonly ReleaseEntry[]): Promise<Map<string, ReleaseBody>> {
    const wanted = new Set(entries.map((entry) => objectPath(entry.namespace, entry.objectName)));
    // Every record, superseded too: one listed as latest may have been superseded since, and is still answered.
    const list = await this.api.call('GET', `${this.collection(namespace)}?labelSelector=${selectorOf(false)}`, `${this.objects.kind}List`);
    const bodies = new Map<string, ReleaseBody>();
    await Promise.all(
      list.items.map(async (item) => {
        const path = objectPath(item.metadata.namespace ?? '', item.metadata.name);
        if (!wanted.has(path)) return;
        const body = await this.bodyOf(item);
        if (body) bodies.set(path, body);
      }),
    );
    return bodies;
  }

  /** One list; a namespace whose records together pass KUBE_RESPONSE_MAX_BYTES (large charts) one GET each. */
  private async readAllOrEach(namespace: string, entries: readonly ReleaseEntry[]): Promise<Map<string, ReleaseBody>> {
    try {
      return await this.readAll(namespace, entries);
    } catch (error) {
      const tooLarge = error instanceof AppError && (error.cause as { code?: unknown } | undefined)?.code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE';
      if (tooLarge) return this.readEach(entries);
      throw error;
    }
  }

  /** One GET each; a user allowed to list but not to get (all `helm list` needs) reads them in one list. */
  private async readEachOrAll(namespace: string, entries: readonly ReleaseEntry[]): Promise<Map<string, ReleaseBody>> {
    try {
      return await this.readEach(entries);
    } catch (error) {
      if (error instanceof AppError && error.status === 403) return this.readAll(namespace, entries);
      throw error;
    }
  }

  /** The objects of `entries`, one GET each, a few at a time; a deleted one is left out. */
  private async readEach(entries: readonly ReleaseEntry[]): Promise<Map<string, ReleaseBody>> {
    const bodies = new Map<string, ReleaseBody>();
    let next = 0;
    const worker = async () => {
      while (next < entries.length) {
        const entry = entries[next++]!;
        const path = `/api/v1/namespaces/${encodeURIComponent(entry.namespace)}/${this.objects.resource}/${encodeURIComponent(entry.objectName)}`;
        try {
          const body = await this.bodyOf(await this.api.call('GET', path, this.objects.kind));
          if (body) bodies.set(objectPath(entry.namespace, entry.objectName), body);
        } catch (error) {
          if (!(error instanceof KubeNotFoundError)) throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(singleGetsInFlight, entries.length) }, worker));
    return bodies;
  }

  /** The decoded body of a full object, cached under its version; undefined for an object that is no release. */
  private async bodyOf(item: ListedObject): Promise<ReleaseBody | undefined> {
    const labels = item.metadata.labels ?? {};
    const version = Number(labels.version);
    const data = item.data?.release;
    const { namespace, uid, resourceVersion } = item.metadata as ListedObject['metadata'] & Partial<ObjectMetadata>;
    if (!labels.name || !namespace || !Number.isInteger(version) || data === undefined) return undefined;
    const key = this.revisionKey({ uid: typeof uid === 'string' ? uid : '', resourceVersion: typeof resourceVersion === 'string' ? resourceVersion : '' });
    const cached = this.cached(key);
    if (cached) return cached;
    const body = releaseBodyOf(await this.decodeRecord(namespace, labels.name, version, data));
    if (key) this.cache?.set(key, body);
    return body;
  }

  private cached(key: string): ReleaseBody | undefined {
    return key ? this.cache?.get(key) : undefined;
  }

  /** '' (never cached) for an object without uid or resourceVersion, which no real apiserver sends. */
  private revisionKey(meta: Pick<ObjectMetadata, 'uid' | 'resourceVersion'>): string {
    return meta.uid && meta.resourceVersion ? `${this.api.connectOrigin} ${meta.uid} ${meta.resourceVersion}` : '';
  }

  private collection(namespace: string): string {
    return namespace ? `/api/v1/namespaces/${namespace}/${this.objects.resource}` : `/api/v1/${this.objects.resource}`;
  }

  private recordOf(item: ListedObject): ReleaseRecord | undefined {
    const labels = item.metadata.labels ?? {};
    const version = Number(labels.version);
    const data = item.data?.release;
    const { namespace } = item.metadata;
    const name = labels.name;
    if (!name || !namespace || !Number.isInteger(version) || data === undefined) return undefined;
    return {
      namespace,
      name,
      version,
      status: labels.status ?? 'unknown',
      decode: () => this.decodeRecord(namespace, name, version, data),
    };
  }

  private async decodeRecord(namespace: string, name: string, version: number, data: string): Promise<HelmRelease> {
    try {
      return await this.decoder.decode(data, this.objects.base64Layers);
    } catch (error) {
      if (!(error instanceof ReleaseRecordRefusedError)) throw error;
      throw new AppError(500, ErrorCode.ClusterOperationFailed, [`release record ${namespace}/${releaseKey(name, version)} refused: ${error.message}`], {
        cause: error,
      });
    }
  }

  private objectOf(release: HelmRelease, extraLabels: Record<string, string>): Record<string, unknown> {
    return {
      apiVersion: 'v1',
      kind: this.objects.kind,
      metadata: {
        name: releaseKey(release.name, release.version),
        namespace: release.namespace,
        labels: {
          name: release.name,
          owner: 'helm',
          status: release.info.status,
          version: String(release.version),
          ...extraLabels,
        },
      },
      ...this.objects.extraFields,
      data: { release: this.objects.wrap(encodeRelease(release)) },
    };
  }
}

/** Helm's records, encoded for a query; `!=` also matches a record without the label, which a list then skips. */
function selectorOf(omitSuperseded: boolean): string {
  return encodeURIComponent(omitSuperseded ? 'owner=helm,status!=superseded' : 'owner=helm');
}

function objectPath(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

function unixNow(): string {
  return String(Math.floor(Date.now() / 1000));
}
