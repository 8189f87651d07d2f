import type { FastifyInstance } from 'fastify';
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';

declare module 'fastify' {
  interface FastifyInstance {
    /** The app's Prometheus registry: a service registers its own metrics here (`registers: [app.metrics]`). */
    metrics: Registry;
  }
}

/** Unsigned, like the health paths: Prometheus scrapes it directly (the chart's NetworkPolicy limits who may). */
export const MetricsPath = '/metrics';

/** Route label of requests that matched no route, so hostile URLs cannot grow the label set. */
const unmatchedRoute = 'unmatched';

let processRegistry: Registry | null = null;

/** CPU, memory, event loop and GC: one set per process, however many apps (tests) it builds. */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/**
 * Gives the app its own registry (`app.metrics`), a request duration histogram labelled by method, route
 * pattern and status code, and `GET /metrics` with the process metrics and the app's.
 */
export function registerMetrics(app: FastifyInstance): void {
  const registry = new Registry();
  const requestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from receiving a request to sending the response, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    registers: [registry],
  });
  app.decorate('metrics', registry);
  app.addHook('onResponse', async (request, reply) => {
    const labels = { method: request.method, route: request.routeOptions.url ?? unmatchedRoute, status_code: reply.statusCode };
    requestDuration.observe(labels, reply.elapsedTime / 1000);
  });
  // Scraped every few seconds: only problems are worth a log line.
  app.get(MetricsPath, { logLevel: 'warn' }, async (_request, reply) => {
    const merged = Registry.merge([processMetrics(), registry]);
    return reply.type(merged.contentType).send(await merged.metrics());
  });
}
