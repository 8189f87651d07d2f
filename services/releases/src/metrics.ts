import { Counter, Histogram, type Registry } from 'prom-client';
import type { HelmRunObserver } from './helm/cli.js';
import type { ClientCacheObserver } from './kube/clients.js';

export interface ReleasesMetrics {
  clientCache: ClientCacheObserver;
  helmRuns: HelmRunObserver;
}

/** The releases service's own series, in the app's registry. */
export function releasesMetrics(registry: Registry): ReleasesMetrics {
  const lookups = new Counter({
    name: 'kube_client_cache_lookups_total',
    help: 'Cluster client lookups: hit (a client for the user\'s current kubeconfig version was cached) or miss.',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  for (const result of ['hit', 'miss'] as const) lookups.inc({ result }, 0);
  const helmDurations = new Histogram({
    name: 'helm_operation_duration_seconds',
    help: 'Runs of the helm binary by operation (upgrade, rollback, template) and outcome (success, failure, timeout).',
    labelNames: ['operation', 'outcome'] as const,
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [registry],
  });
  return {
    clientCache: (result) => lookups.inc({ result }),
    helmRuns: ({ operation, outcome, seconds }) => helmDurations.observe({ operation, outcome }, seconds),
  };
}
