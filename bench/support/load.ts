import autocannon from 'autocannon';
import { median } from './stats.js';

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
  /**
   * Fixed headers, or a function giving them when the run starts and again every second, for every
   * connection: a signed identity is refused once older than IdentitySignature.maxAgeMs (10 s).
   */
  headers?: Record<string, string> | (() => Record<string, string>);
  /** One body per request, taken in turn (each connection starts at its own offset). */
  bodies?: string[];
}

const headersRefreshMs = 1000;

/** Closed-loop load with autocannon; any error or non-2xx answer fails the benchmark (it would measure the wrong thing). */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const bodies = options.bodies;
  const given = options.headers;
  const freshHeaders = typeof given === 'function' ? given : undefined;
  // setHeaders replaces the headers of the request the connection sends, and so the bodies' own.
  if (freshHeaders && bodies) throw new Error('load: headers that change during the run cannot go with bodies');
  // Re-signed on a timer, not per request: the direct side then builds its requests as cheaply as the other.
  const clients: autocannon.Client[] = [];
  const refresh =
    freshHeaders &&
    setInterval(() => {
      const headers = freshHeaders();
      for (const client of clients) client.setHeaders(headers);
    }, headersRefreshMs);
  let result: autocannon.Result;
  try {
    result = await autocannon({
      url: options.url,
      connections: options.connections,
      duration: options.durationSeconds,
      method: options.method ?? 'GET',
      headers: typeof given === 'function' ? given() : given,
      setupClient: freshHeaders ? (client) => clients.push(client) : undefined,
      requests: bodies ? bodies.map((body) => ({ body, headers: { 'content-type': 'application/json' } })) : undefined,
    });
  } finally {
    clearInterval(refresh);
  }
  if (result.errors > 0 || result.non2xx > 0) {
    throw new Error(`${options.url}: ${result.errors} errors, ${result.non2xx} non-2xx answers of ${result.requests.total}`);
  }
  return { perSecond: result['2xx'] / result.duration, p50Ms: result.latency.p50, p99Ms: result.latency.p99 };
}

/** The median of each figure over the rounds of one side. */
export function medianLoad(runs: readonly LoadResult[]): LoadResult {
  const middle = (pick: (run: LoadResult) => number) => median(runs.map(pick));
  return { perSecond: middle((run) => run.perSecond), p50Ms: middle((run) => run.p50Ms), p99Ms: middle((run) => run.p99Ms) };
}
