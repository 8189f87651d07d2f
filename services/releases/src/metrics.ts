import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { ChartCacheObserver, ChartCacheResult } from './charts/index-cache.js';
import type { ReleaseBodyCache } from './helm/body-cache.js';
import type { HelmRunObserver } from './helm/cli.js';
import type { DriftObserver } from './helm/actions/drift.js';
import type { PlanTokenObserver } from './helm/plan-tokens.js';
import type { ClusterClientCacheObserver } from './kube/cluster-clients.js';

export interface ReleasesMetrics {
  clientCache: ClusterClientCacheObserver;
  helmRuns: HelmRunObserver;
  planTokenChecks: PlanTokenObserver;
  driftFound: DriftObserver;
  /** Lookups of the parsed index.yaml files (`index`) or OCI tags lists (`tags`). */
  chartCache: (cache: 'index' | 'tags') => ChartCacheObserver;
}

/** The releases service's own series, in the app's registry. */
export function releasesMetrics(registry: Registry, bodies: ReleaseBodyCache): ReleasesMetrics {
  new Gauge({
    name: 'release_body_cache_bytes',
    help: 'Bytes of release JSON held by the body cache of lists (with a fixed overhead per entry).',
    registers: [registry],
    collect() {
      this.set(bodies.bytes);
    },
  });
  new Gauge({
    name: 'release_body_cache_entries',
    help: 'Release bodies held by the body cache of lists.',
    registers: [registry],
    collect() {
      this.set(bodies.size);
    },
  });
  const lookups = new Counter({
    name: 'kube_client_cache_lookups_total',
    help: "Cluster client lookups: hit (a client for the user's current kubeconfig version was cached) or miss.",
    labelNames: ['result'] as const,
    registers: [registry],
  });
  for (const result of ['hit', 'miss'] as const) lookups.inc({ result }, 0);
  const versionLookups = new Counter({
    name: 'kubeconfig_version_lookups_total',
    help: "How a request's kubeconfig version was decided: known (from users events, at least the gateway's floor) or checked (asked of the users service).",
    labelNames: ['source'] as const,
    registers: [registry],
  });
  for (const source of ['known', 'checked'] as const) versionLookups.inc({ source }, 0);
  const helmDurations = new Histogram({
    name: 'helm_operation_duration_seconds',
    help: 'Runs of the helm binary by operation (install, upgrade, rollback, uninstall, template) and outcome (success, failure, timeout).',
    labelNames: ['operation', 'outcome'] as const,
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [registry],
  });
  const tokenChecks = new Counter({
    name: 'release_plan_token_checks_total',
    help: 'Upgrades and rollbacks sent with a plan token: accepted, or refused (409/609) because the release moved or the request differs.',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  for (const result of ['accepted', 'refused'] as const) tokenChecks.inc({ result }, 0);
  const driftObjects = new Counter({
    name: 'release_drift_objects_total',
    help: 'Objects compared by drift checks, by state (missing, changed, unchanged, unknown).',
    labelNames: ['state'] as const,
    registers: [registry],
  });
  const chartCacheLookups = new Counter({
    name: 'chart_cache_lookups_total',
    help: "Lookups of chart repositories' index.yaml (cache=index) and OCI registries' tags lists (cache=tags): hit (fresh, no request), revalidated (304 Not Modified), downloaded (read and parsed), failed.",
    labelNames: ['cache', 'result'] as const,
    registers: [registry],
  });
  const chartCacheResults: ChartCacheResult[] = ['hit', 'revalidated', 'downloaded', 'failed'];
  for (const cache of ['index', 'tags'] as const) for (const result of chartCacheResults) chartCacheLookups.inc({ cache, result }, 0);
  return {
    chartCache: (cache) => (result) => chartCacheLookups.inc({ cache, result }),
    planTokenChecks: (result) => tokenChecks.inc({ result }),
    driftFound: (state, count) => driftObjects.inc({ state }, count),
    clientCache: (result, version) => {
      lookups.inc({ result });
      versionLookups.inc({ source: version });
    },
    helmRuns: ({ operation, outcome, seconds }) => helmDurations.observe({ operation, outcome }, seconds),
  };
}
