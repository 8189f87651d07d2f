import { InternalRoutes, KubeconfigVersionHeader } from '@platform/contracts';
import { signIdentity } from '@platform/service-kit';
import { decodeMetadataList, metadataListAccept, type KubeApi } from '@platform/releases';
import { helm } from '../../test/support/helm.js';
import type { Platform } from '../../test/support/platform.js';
import type { BenchUser } from './bench-users.js';
import { parseServerTiming } from './server-timing.js';
import { benchContext } from './cluster.js';
import { timeMs } from './stats.js';

/** The releases service's Server-Timing phases of one call (ms), with `total` as the caller saw it. */
export type ServerTiming = Record<string, number>;

/** Every way the list benchmark reads one namespace's releases; each returns milliseconds. */
export class ListClients {
  private readonly selector = 'labelSelector=owner%3Dhelm';

  constructor(
    private readonly platform: Platform,
    private readonly user: BenchUser,
    private readonly api: KubeApi,
    private readonly namespace: string,
  ) {}

  /** `GET /api/releases` through the gateway with the user's session, whole body received. */
  throughGateway(limit?: number): Promise<number> {
    return timeMs(() => this.listThroughGateway(limit));
  }

  /** The size in bytes of the answer `throughGateway(limit)` receives. */
  async answerBytes(limit?: number): Promise<number> {
    return (await this.listThroughGateway(limit)).byteLength;
  }

  private async listThroughGateway(limit?: number): Promise<ArrayBuffer> {
    const response = await fetch(`${this.platform.gatewayUrl}${this.path(limit)}`, { headers: { cookie: `porter_session=${this.user.client.cookie}` } });
    if (response.status !== 200) throw new Error(`listing through the API failed: ${response.status} ${await response.text()}`);
    return response.arrayBuffer();
  }

  /**
   * The same call made to the releases service directly (signed as the gateway signs, with a kubeconfig floor
   * as the gateway sends one: the user's kubeconfig was stored long before), with its phases.
   */
  async direct(limit?: number): Promise<ServerTiming> {
    const path = this.path(limit);
    const headers = {
      ...signIdentity(this.platform.signingSecret, { kind: 'user', userId: this.user.id }, { audience: 'releases', method: 'GET', url: path }),
      [KubeconfigVersionHeader.minimum]: '1',
    };
    let header = '';
    const total = await timeMs(async () => {
      const response = await fetch(`${this.platform.serviceUrl.releases}${path}`, { headers });
      if (response.status !== 200) throw new Error(`listing at the releases service failed: ${response.status} ${await response.text()}`);
      await response.arrayBuffer();
      header = response.headers.get('server-timing') ?? '';
    });
    return { ...parseServerTiming(header), total };
  }

  /** What a kubeconfig version check at the users service costs, when the releases service has to make one. */
  versionCheck(): Promise<number> {
    const path = InternalRoutes.userKubeconfigVersion(this.user.id);
    const headers = signIdentity(this.platform.signingSecret, { kind: 'service', name: 'releases' }, { audience: 'users', method: 'GET', url: path });
    return timeMs(async () => {
      const response = await fetch(`${this.platform.serviceUrl.users}${path}`, { headers });
      if (response.status !== 200) throw new Error(`the version check failed: ${response.status} ${await response.text()}`);
      await response.arrayBuffer();
    });
  }

  /** `helm list -o json` with the API's default mask (deployed and failed), the whole list or one page. */
  helmList(max = 0): Promise<number> {
    return timeMs(() => helm(['list', '-n', this.namespace, '-o', 'json', '--max', String(max)]));
  }

  /** A bare consistent LIST of the namespace's release Secrets, bodies received and not parsed: the floor. */
  bareList(): Promise<number> {
    return timeMs(() => this.api.getBytes(`/api/v1/namespaces/${this.namespace}/secrets?${this.selector}`, 'application/json'));
  }

  /** The metadata-only list the service makes (superseded revisions left out), received and decoded, in protobuf or JSON. */
  metadataList(encoding: 'protobuf' | 'json'): Promise<number> {
    const path = `/api/v1/namespaces/${this.namespace}/secrets?${this.selector}%2Cstatus%21%3Dsuperseded`;
    return timeMs(async () => {
      if (encoding === 'protobuf') decodeMetadataList((await this.api.getBytes(path, metadataListAccept)).bytes, ['name', 'status', 'version']);
      else JSON.parse((await this.api.getBytes(path, 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1')).bytes.toString('utf8'));
    });
  }

  /** Before timing: helm and the API list exactly `size` releases, and a page has `pageSize`. */
  async checkCounts(size: number, pageSize: number): Promise<void> {
    const seenByHelm = (JSON.parse(await helm(['list', '-n', this.namespace, '-o', 'json', '--max', '0'])) as unknown[]).length;
    const seenByApi = ((await this.user.client.get(this.path())).json as unknown[]).length;
    const page = ((await this.user.client.get(this.path(pageSize))).json as unknown[]).length;
    if (seenByHelm !== size || seenByApi !== size || page !== Math.min(pageSize, size)) {
      throw new Error(`${size} releases stored, helm lists ${seenByHelm}, the API ${seenByApi} (page: ${page})`);
    }
  }

  /** The releases service's body cache, from its metrics. */
  async bodyCache(): Promise<{ bytes: number; entries: number }> {
    const text = await (await fetch(`${this.platform.serviceUrl.releases}/metrics`)).text();
    const value = (name: string) => Number(new RegExp(`^${name} ([0-9.e+]+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
    return { bytes: value('release_body_cache_bytes'), entries: value('release_body_cache_entries') };
  }

  private path(limit?: number): string {
    return `/api/releases?namespace=${this.namespace}&context=${benchContext}${limit ? `&limit=${limit}` : ''}`;
  }
}
