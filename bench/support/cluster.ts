import { randomBytes } from 'node:crypto';
// The releases service's own Kubernetes client, so the benchmark reaches the cluster exactly as the service does.
import { clusterAccessOf, KubeApi, ReleaseDecoder, releaseDecoderOptions } from '@platform/releases';
import { testClusterKubeconfig } from '../../test/support/kubeconfig.js';

/** The test cluster as its `admin` context (the context every benchmark user is allowed). */
export const benchContext = 'admin';

/** The service's own decoder with its default cap per record (none per read), for reading back what the benchmark seeded. */
export const benchDecoder = new ReleaseDecoder(releaseDecoderOptions(32 * 2 ** 20, 1, 2 ** 31 - 1, 2 ** 31 - 1));

export async function adminKubeApi(): Promise<KubeApi> {
  const access = clusterAccessOf(await testClusterKubeconfig(), benchContext);
  // The bare list of the large-chart releases is hundreds of MiB: no cap on what the benchmark reads.
  return new KubeApi(access, access.server.hostname, 60_000, 2 ** 31 - 1);
}

/**
 * Fresh namespaces for one run. This apiserver has no namespace controller, so a deleted namespace stays
 * Terminating forever with whatever it held: cleanup deletes the objects first, and every run uses new names.
 */
export class BenchNamespaces {
  private readonly run = `bench-${randomBytes(3).toString('hex')}`;
  private readonly created: string[] = [];

  constructor(private readonly api: KubeApi) {}

  async create(purpose: string): Promise<string> {
    const name = `${this.run}-${purpose}`;
    await this.api.call('POST', '/api/v1/namespaces', 'Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    this.created.push(name);
    return name;
  }

  async deleteAll(): Promise<void> {
    for (const name of this.created) {
      await this.api.call('DELETE', `/api/v1/namespaces/${name}/secrets`, 'SecretList');
      await this.api.call('DELETE', `/api/v1/namespaces/${name}/configmaps`, 'ConfigMapList');
      await this.api.call('DELETE', `/api/v1/namespaces/${name}`, 'Namespace');
    }
  }
}
