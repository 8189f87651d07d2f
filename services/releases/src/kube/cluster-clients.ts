import { LRUCache } from 'lru-cache';
import { AppError } from '@platform/service-kit';
import { ErrorCode, ErrorMessage } from '@platform/contracts';
import type { UserKubeconfigSource } from '../users/kubeconfig-source.js';
import { currentKubeconfigFloor } from '../users/kubeconfig-floor.js';
import type { KubeconfigVersions, VersionLookup } from '../users/kubeconfig-versions.js';
import type { ClusterAddressPolicy } from './address-policy.js';
import { KubeApi } from './api.js';
import type { ClusterEgressProxy } from './egress-proxy.js';
import { clusterAccessOf, minimalKubeconfig, type ClusterAccess } from './kubeconfig.js';

/** A user's way into one allowed context: its KubeApi (the REST client), and the kubeconfig the helm binary gets. */
export interface ClusterClient {
  access: ClusterAccess;
  api: KubeApi;
  helmKubeconfig: string;
}

/** Told whether each lookup found a client for the user's current kubeconfig version. */
export type ClusterClientCacheObserver = (result: 'hit' | 'miss', version: VersionLookup) => void;

export interface ClusterClientCacheOptions {
  source: UserKubeconfigSource;
  /** Which kubeconfig version a request is served at (remembered from events, or checked). */
  versions: KubeconfigVersions;
  policy: ClusterAddressPolicy;
  max: number;
  idleSeconds: number;
  requestTimeoutMs: number;
  /** Largest answer body read from a cluster. */
  responseMaxBytes: number;
  /** The proxy the helm binary reaches clusters through (the address policy on every hop). */
  egress?: ClusterEgressProxy;
  onLookup?: ClusterClientCacheObserver;
  /**
   * How long a dropped client's connection pool stays open: a request that took the client before it was
   * dropped (a users event, LRU or idle expiry) may still be calling the cluster, for as long as an operation
   * lasts. Closing the pool under it would fail it with UND_ERR_CLOSED.
   */
  closeGraceMs: number;
}

/**
 * Clients (each with its TLS connection pool) per user, context and kubeconfig version, bounded by LRU and
 * idle expiry. A cached client is used only for the user's current version, which KubeconfigVersions
 * decides (remembered from users events when provably current, else asked of the users service): once the
 * users service has stored a change and the user was told so, the user's next request here sees it. The
 * users events evict early, on every replica.
 */
export class ClusterClientCache {
  private readonly clients: LRUCache<string, ClusterClient>;
  /** Dropped clients' pools still open for their grace period. */
  private readonly dropped = new Map<NodeJS.Timeout, KubeApi>();
  private closed = false;

  constructor(private readonly options: ClusterClientCacheOptions) {
    this.clients = new LRUCache<string, ClusterClient>({
      max: options.max,
      ttl: options.idleSeconds * 1000,
      updateAgeOnGet: true,
      ttlAutopurge: true,
      dispose: (client) => this.closeLater(client.api),
    });
  }

  /**
   * 403/605 when the context is not allowed; 422/601 for a kubeconfig we refuse (a server URL with a query);
   * 502/604 for an address we refuse.
   */
  async clientFor(userId: number, context: string): Promise<ClusterClient> {
    const { versions } = this.options;
    const current = await versions.current(userId, currentKubeconfigFloor());
    const cached = this.clients.get(cacheKey(userId, current.version, context));
    this.options.onLookup?.(cached ? 'hit' : 'miss', current.lookup);
    if (cached) return cached;

    const asked = versions.ticket();
    const kubeconfig = await this.options.source.kubeconfig(userId);
    versions.answered(userId, kubeconfig.kubeconfigVersion, asked);
    this.evictUser(userId, kubeconfig.kubeconfigVersion);
    if (!kubeconfig.allowedContexts.includes(context)) {
      throw new AppError(403, ErrorCode.ContextNotAllowed, [ErrorMessage.contextNotAllowed]);
    }
    const access = clusterAccessOf(kubeconfig.rawKubeConfig, context);
    const address = await this.options.policy.check(access.server);
    const proxyUrl = await this.options.egress?.url();
    const api = new KubeApi(access, address, this.options.requestTimeoutMs, this.options.responseMaxBytes);
    const key = cacheKey(userId, kubeconfig.kubeconfigVersion, context);
    // A request that arrived at the same time may have made one first: replacing it would close its
    // connection pool under the requests it is serving.
    const madeMeanwhile = this.clients.get(key);
    if (madeMeanwhile) {
      void api.close();
      return madeMeanwhile;
    }
    const client: ClusterClient = { access, api, helmKubeconfig: minimalKubeconfig(access, api.connectUrl, proxyUrl) };
    this.clients.set(key, client);
    return client;
  }

  /** Drops a user's clients, all of them or those of other versions than `keepVersion`. */
  evictUser(userId: number, keepVersion?: number): void {
    const prefix = `${userId}/`;
    const keep = keepVersion === undefined ? undefined : `${userId}/${keepVersion}/`;
    for (const key of [...this.clients.keys()]) {
      if (key.startsWith(prefix) && (keep === undefined || !key.startsWith(keep))) this.clients.delete(key);
    }
  }

  get size(): number {
    return this.clients.size;
  }

  /** At shutdown the requests are over: every pool closes now. */
  close(): void {
    this.closed = true;
    this.clients.clear();
    for (const [timer, api] of this.dropped) {
      clearTimeout(timer);
      void api.close();
    }
    this.dropped.clear();
  }

  private closeLater(api: KubeApi): void {
    if (this.closed) {
      void api.close();
      return;
    }
    const timer = setTimeout(() => {
      this.dropped.delete(timer);
      void api.close();
    }, this.options.closeGraceMs);
    timer.unref();
    this.dropped.set(timer, api);
  }
}

function cacheKey(userId: number, version: number, context: string): string {
  return `${userId}/${version}/${context}`;
}
