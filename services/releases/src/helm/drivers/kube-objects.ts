import type { StorageDriverName } from '@platform/contracts';
import { KubeApi, KubeConflictError, KubeNotFoundError } from '../../kube/api.js';
import { decodeRelease, encodeRelease, releaseKey, type HelmRelease } from '../codec.js';
import { ReleaseRecordExistsError, ReleaseRecordNotFoundError, type ReleaseDriver, type ReleaseRecord } from '../driver.js';

interface KubeObject {
  metadata: { name: string; namespace: string; labels?: Record<string, string> };
  data?: Record<string, string>;
}

interface KubeObjectList {
  items: KubeObject[];
}

/** How one kind of Kubernetes object holds a release (Secret and ConfigMap differ only here). */
export interface ReleaseObjectKind {
  driver: StorageDriverName;
  resource: 'secrets' | 'configmaps';
  kind: 'Secret' | 'ConfigMap';
  /** Extra top-level fields of a new object (the Secret type). */
  extraFields: Record<string, unknown>;
  /** `data.release` as the API carries it, from Helm's encoded release, and back. */
  wrap(encoded: string): string;
  unwrap(data: string): string;
}

/** Helm's secrets and configmaps drivers: one object per revision, labelled so that lists need no decoding. */
export class KubeObjectReleaseDriver implements ReleaseDriver {
  constructor(
    private readonly api: KubeApi,
    private readonly objects: ReleaseObjectKind,
  ) {}

  get name(): StorageDriverName {
    return this.objects.driver;
  }

  /**
   * One list without paging, as Helm's drivers list: the apiserver answers it from its watch cache (a
   * consistent read, Kubernetes 1.31+), while every page of a paged list is read from etcd, several times slower.
   */
  async list(namespace: string, releaseName?: string): Promise<ReleaseRecord[]> {
    const selector = encodeURIComponent(releaseName ? `name=${releaseName},owner=helm` : 'owner=helm');
    const base = namespace ? `/api/v1/namespaces/${namespace}/${this.objects.resource}` : `/api/v1/${this.objects.resource}`;
    const list: KubeObjectList = await this.api.call('GET', `${base}?labelSelector=${selector}`);
    const records: ReleaseRecord[] = [];
    for (const item of list.items) {
      const record = this.recordOf(item);
      if (record) records.push(record);
    }
    return records;
  }

  async create(release: HelmRelease): Promise<void> {
    const labels = { createdAt: unixNow() };
    try {
      await this.api.call('POST', `/api/v1/namespaces/${release.namespace}/${this.objects.resource}`, this.objectOf(release, labels));
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
      await this.api.call('PUT', `/api/v1/namespaces/${release.namespace}/${this.objects.resource}/${key}`, this.objectOf(release, labels));
    } catch (error) {
      if (error instanceof KubeNotFoundError) throw new ReleaseRecordNotFoundError(key, { cause: error });
      throw error;
    }
  }

  private recordOf(item: KubeObject): ReleaseRecord | undefined {
    const labels = item.metadata.labels ?? {};
    const version = Number(labels.version);
    const data = item.data?.release;
    if (!labels.name || !Number.isInteger(version) || data === undefined) return undefined;
    return {
      namespace: item.metadata.namespace,
      name: labels.name,
      version,
      status: labels.status ?? 'unknown',
      decode: () => decodeRelease(this.objects.unwrap(data)),
    };
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

function unixNow(): string {
  return String(Math.floor(Date.now() / 1000));
}
