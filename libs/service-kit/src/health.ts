import type { FastifyInstance } from 'fastify';

/** A dependency check for readiness: resolves true when the dependency answers. */
export type ReadinessCheck = () => boolean | Promise<boolean>;

export const HealthPaths = { live: '/livez', ready: '/readyz' } as const;

/**
 * `/livez` answers while the process runs; `/readyz` is 503 naming each dependency that does not answer.
 * `degradedChecks` are reported (as `degraded`) without failing readiness: dependencies the service can
 * do without for a while.
 */
export function registerHealthRoutes(app: FastifyInstance, checks: Record<string, ReadinessCheck>, degradedChecks?: Record<string, ReadinessCheck>): void {
  app.get(HealthPaths.live, async () => ({ status: 'ok' }));
  app.get(HealthPaths.ready, async (_request, reply) => {
    const failing = await failingChecks(checks);
    const status = failing.length === 0 ? 'ok' : 'unavailable';
    const body = degradedChecks ? { status, failing, degraded: await failingChecks(degradedChecks) } : { status, failing };
    return reply.code(failing.length === 0 ? 200 : 503).send(body);
  });
}

async function failingChecks(checks: Record<string, ReadinessCheck>): Promise<string[]> {
  const results = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        return [name, await withTimeout(Promise.resolve(check()), 1_000)] as const;
      } catch {
        return [name, false] as const;
      }
    }),
  );
  return results.filter(([, ok]) => !ok).map(([name]) => name);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out')), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
