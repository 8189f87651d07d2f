import autocannon from 'autocannon';

export interface LoadResult {
  /** Successful responses per second over the whole run. */
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export interface LoadOptions {
  url: string;
  connections: number;
  durationSeconds: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** One body per request, taken in turn (each connection starts at its own offset). */
  bodies?: string[];
}

/** Closed-loop load with autocannon; any error or non-2xx answer fails the benchmark (it would measure the wrong thing). */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const bodies = options.bodies;
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    method: options.method ?? 'GET',
    headers: options.headers,
    requests: bodies
      ? bodies.map((body) => ({ body, headers: { 'content-type': 'application/json' } }))
      : undefined,
  });
  if (result.errors > 0 || result.non2xx > 0) {
    throw new Error(`${options.url}: ${result.errors} errors, ${result.non2xx} non-2xx answers of ${result.requests.total}`);
  }
  return { perSecond: result['2xx'] / result.duration, p50Ms: result.latency.p50, p99Ms: result.latency.p99 };
}
