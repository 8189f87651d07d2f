import multipart from '@fastify/multipart';
import type { AuditRecorder } from '@platform/audit';
import { createServiceApp, HealthPaths, MetricsPath, registerHealthRoutes, signedIdentityPlugin, type EventBus, type ServiceApp } from '@platform/service-kit';
import type { ReleasesConfig } from './config.js';
import { ReleaseBodyCache } from './helm/body-cache.js';
import { defaultHelmWorkDir, HelmCli } from './helm/cli.js';
import { HelmSlots } from './helm/helm-slots.js';
import { MemoryReleaseRecords } from './helm/drivers/memory.js';
import { KubeCacheFolders } from './helm/kube-cache-folders.js';
import { PlanTokens } from './helm/plan-tokens.js';
import { ReleaseDecoder, releaseDecoderOptions } from './helm/release-decoder.js';
import { ReleaseLocks } from './helm/release-locks.js';
import { ClusterAddressPolicy, type Resolver } from './kube/address-policy.js';
import { ClusterClientCache } from './kube/cluster-clients.js';
import { ClusterEgressProxy } from './kube/egress-proxy.js';
import { ReleaseAccess } from './release-access.js';
import { ReleaseAudit } from './release-audit.js';
import { registerK8sRoutes } from './routes/k8s.js';
import { releasesMetrics } from './metrics.js';
import { registerReleaseRoutes } from './routes/releases.js';
import { registerReleaseViewRoutes } from './routes/release-views.js';
import { registerReleaseLiveRoutes } from './routes/release-live.js';
import { registerReleaseLifecycleRoutes } from './routes/release-lifecycle.js';
import { registerChartRoutes } from './routes/charts.js';
import { repositoryIndexCache } from './charts/index-cache.js';
import { tagListCache } from './charts/oci-registry.js';
import type { UserKubeconfigSource } from './users/kubeconfig-source.js';
import { registerKubeconfigFloor } from './users/kubeconfig-floor.js';
import { registerRequestDecoding } from './helm/request-decoding.js';
import { KubeconfigVersions } from './users/kubeconfig-versions.js';
import type { UserRepositorySource } from './users/repository-source.js';
import { registerRepositorySearchRoute } from './routes/repository-search.js';
import { installFormOptions } from './routes/install-form.js';

export interface ReleasesDeps {
  kubeconfigs: UserKubeconfigSource;
  /** The users' chart repositories and credentials; without one, a user has none. */
  repositories?: UserRepositorySource;
  /** Where install, upgrade, rollback and uninstall leave their audit events (a file spool, relayed to JetStream). */
  audit: AuditRecorder;
  /** Users events evict cached clients early; without a bus the version check alone keeps reads fresh. */
  events?: Pick<EventBus, 'subscribeUserEvents' | 'isConnected'>;
  memoryReleases?: MemoryReleaseRecords;
  /** DNS for the cluster address policy (the system's by default). */
  resolve?: Resolver;
}

export type ReleasesAppConfig = Pick<
  ReleasesConfig,
  | 'INTERNAL_SIGNING_SECRET'
  | 'HELM_BIN'
  | 'CLUSTER_ADDRESS_ALLOWLIST'
  | 'CLIENT_CACHE_MAX'
  | 'CLIENT_CACHE_IDLE_SECONDS'
  | 'KUBE_REQUEST_TIMEOUT_MS'
  | 'KUBE_RESPONSE_MAX_BYTES'
  | 'RELEASE_RECORD_MAX_BYTES'
  | 'RELEASE_REQUEST_MAX_BYTES'
  | 'RELEASE_REPLICA_MAX_BYTES'
  | 'RELEASE_DECODE_WORKERS'
  | 'RELEASE_BODY_CACHE_MB'
  | 'HELM_TIMEOUT_MS'
  | 'HELM_MAX_CONCURRENT'
  | 'HELM_MAX_CONCURRENT_PER_USER'
  | 'HELM_WORK_DIR'
  | 'PENDING_STALE_AFTER_MS'
  | 'LOG_LEVEL'
>;

export interface ReleasesApp {
  app: ServiceApp;
  clusterClients: ClusterClientCache;
  decoder: ReleaseDecoder;
  bodies: ReleaseBodyCache;
}

/** Chart repositories' parsed index.yaml and OCI registries' tags lists kept, each used 60 s before it is revalidated by its ETag. */
const repositoryIndexCaching = { max: 32, freshMs: 60_000 };

/** Users whose kubeconfig version is remembered from events; a minute bounds an event path failing silently. */
const kubeconfigVersionMemory = { max: 100_000, ttlMs: 60_000 };

/** Clusters whose discovery helm keeps between upgrades and rollbacks (a few MB each on disk). */
const kubeCacheFoldersMax = 64;

export function buildApp(deps: ReleasesDeps, config: ReleasesAppConfig): ReleasesApp {
  const app = createServiceApp({ service: 'releases', logLevel: config.LOG_LEVEL });
  const bodies = new ReleaseBodyCache(config.RELEASE_BODY_CACHE_MB * 2 ** 20);
  const metrics = releasesMetrics(app.metrics, bodies);
  // One policy for every address a user gives: clusters, chart repositories.
  const policy = new ClusterAddressPolicy(config.CLUSTER_ADDRESS_ALLOWLIST, deps.resolve);
  const egress = new ClusterEgressProxy(policy);
  // Without a bus nothing is remembered: every request asks the users service.
  const versions = new KubeconfigVersions(deps.kubeconfigs, kubeconfigVersionMemory);
  const clusterClients = new ClusterClientCache({
    source: deps.kubeconfigs,
    versions,
    policy,
    egress,
    max: config.CLIENT_CACHE_MAX,
    idleSeconds: config.CLIENT_CACHE_IDLE_SECONDS,
    requestTimeoutMs: config.KUBE_REQUEST_TIMEOUT_MS,
    responseMaxBytes: config.KUBE_RESPONSE_MAX_BYTES,
    onLookup: metrics.clientCache,
    // The longest a request can hold a client: a helm run and the cluster calls around it.
    closeGraceMs: config.HELM_TIMEOUT_MS + 2 * config.KUBE_REQUEST_TIMEOUT_MS,
  });
  const memoryReleases = deps.memoryReleases ?? new MemoryReleaseRecords();
  const decoder = new ReleaseDecoder(
    releaseDecoderOptions(config.RELEASE_RECORD_MAX_BYTES, config.RELEASE_DECODE_WORKERS, config.RELEASE_REQUEST_MAX_BYTES, config.RELEASE_REPLICA_MAX_BYTES),
  );
  const kubeCaches = new KubeCacheFolders({ max: kubeCacheFoldersMax, idleSeconds: config.CLIENT_CACHE_IDLE_SECONDS });
  const helm = new HelmCli({
    bin: config.HELM_BIN,
    timeoutMs: config.HELM_TIMEOUT_MS,
    slots: new HelmSlots(config.HELM_MAX_CONCURRENT, config.HELM_MAX_CONCURRENT_PER_USER),
    observe: metrics.helmRuns,
    kubeCaches,
    workRoot: config.HELM_WORK_DIR ?? defaultHelmWorkDir(),
  });
  const access = new ReleaseAccess(
    clusterClients,
    decoder,
    memoryReleases,
    helm,
    new ReleaseLocks(),
    config.PENDING_STALE_AFTER_MS ?? config.HELM_TIMEOUT_MS + 30_000,
    new PlanTokens(config.INTERNAL_SIGNING_SECRET, metrics.planTokenChecks),
    bodies,
  );

  // Every replica hears every event (not a queue group): each one holds its own cached clients.
  deps.events?.subscribeUserEvents(
    { everyReplica: true },
    async (event) => {
      versions.heard(event.userId, event.kubeconfigVersion);
      // Clients of the version the event names stay: a request may already have made one for it.
      clusterClients.evictUser(event.userId, event.type === 'kubeconfig.changed' ? event.kubeconfigVersion : undefined);
      if (event.type === 'user.deleted') memoryReleases.dropScopesWithPrefix(`${event.userId}/`);
    },
    (live) => versions.setLive(live),
  );

  registerKubeconfigFloor(app);
  registerRequestDecoding(app, decoder);
  app.register(signedIdentityPlugin, {
    secret: config.INTERNAL_SIGNING_SECRET,
    audience: 'releases',
    publicPaths: [HealthPaths.live, HealthPaths.ready, MetricsPath],
  });
  // Neither takes the service out: without NATS the version check alone keeps reads fresh, and without the
  // users service every request fails with 503 anyway, which no other replica could answer better.
  // Installs may upload the chart as a multipart form (routes/install-form.ts), parsed only for signed requests.
  app.register(multipart, installFormOptions);
  registerHealthRoutes(app, {}, { events: () => deps.events?.isConnected() ?? true, users: () => deps.kubeconfigs.reachable?.() ?? true });
  app.after(() => {
    const releaseAudit = new ReleaseAudit(access, deps.audit);
    registerReleaseRoutes(app, access, releaseAudit);
    registerReleaseViewRoutes(app, access);
    registerReleaseLiveRoutes(app, access, metrics.driftFound);
    const charts = {
      policy,
      timeoutMs: config.KUBE_REQUEST_TIMEOUT_MS,
      indexes: repositoryIndexCache(repositoryIndexCaching, metrics.chartCache('index')),
      tagLists: tagListCache(repositoryIndexCaching, metrics.chartCache('tags')),
    };
    const repositories = deps.repositories ?? { repositories: async () => [] };
    registerReleaseLifecycleRoutes(app, access, charts, repositories, releaseAudit);
    registerChartRoutes(app, charts, repositories);
    registerRepositorySearchRoute(app, charts, repositories);
    registerK8sRoutes(app, clusterClients);
  });
  app.addHook('onClose', async () => {
    clusterClients.close();
    await helm.settled();
    await Promise.all([kubeCaches.close(), decoder.close(), egress.close()]);
  });
  return { app, clusterClients, decoder, bodies };
}
