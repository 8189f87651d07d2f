import { ErrorCode, type StorageDriverName } from '@platform/contracts';
import { AppError } from '@platform/service-kit';
import { KubeApi, KubeConflictError, KubeNotFoundError, type KubeObjectOf } from '../../kube/api.js';
import { encodeRelease, ReleaseRecordRefusedError, releaseKey, type HelmRelease } from '../codec.js';
import type { ReleaseDecoder } from '../release-decoder.js';
import { ReleaseRecordExistsError, ReleaseRecordNotFoundError, type ReleaseDriver, type ReleaseRecord } from '../driver.js';

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

/** Helm's secrets and configmaps drivers: one object per revision, labelled so that lists need no decoding. */
export class KubeObjectReleaseDriver implements ReleaseDriver {
  constructor(
    private readonly api: KubeApi,
    private readonly decoder: ReleaseDecoder,
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
    const list = await this.api.call('GET', `${base}?labelSelector=${selector}`, `${this.objects.kind}List`);
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

  private recordOf(item: KubeObjectOf<'SecretList'>['items'][number]): ReleaseRecord | undefined {
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
      throw new AppError(500, ErrorCode.ClusterOperationFailed, [`release record ${namespace}/${releaseKey(name, version)} refused: ${error.message}`], { cause: error });
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

function unixNow(): string {
  return String(Math.floor(Date.now() / 1000));
}
