import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';

export interface OpenLoopOptions {
  url: string;
  /** Fixed headers, or a function giving them at the start and again every second (see LoadOptions.headers). */
  headers: Record<string, string> | (() => Record<string, string>);
  ratePerSecond: number;
  seconds: number;
}

/**
 * Requests sent at a fixed rate whatever the answers do (open loop), each timed from when it was due, not
 * from when it could be sent: a slow answer does not hide the requests queued behind it. Any error or
 * non-2xx answer fails the benchmark.
 */
export async function openLoop(options: OpenLoopOptions): Promise<number[]> {
  const url = new URL(options.url);
  const pool = new Pool(url.origin, { connections: 64, pipelining: 1 });
  const count = Math.round(options.ratePerSecond * options.seconds);
  const latencies: number[] = [];
  const inFlight: Array<Promise<void>> = [];
  const makeHeaders = options.headers;
  let headers = typeof makeHeaders === 'function' ? makeHeaders() : makeHeaders;
  const start = performance.now();
  let headersAt = start;
  try {
    for (let index = 0; index < count; index += 1) {
      const due = start + (index * 1000) / options.ratePerSecond;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      if (typeof makeHeaders === 'function' && performance.now() - headersAt >= 1000) {
        headers = makeHeaders();
        headersAt = performance.now();
      }
      inFlight.push(
        pool.request({ method: 'GET', path: url.pathname + url.search, headers }).then(async (response) => {
          await response.body.dump();
          if (response.statusCode >= 300) throw new Error(`${options.url}: HTTP ${response.statusCode}`);
          latencies.push(performance.now() - due);
        }),
      );
    }
    await Promise.all(inFlight);
  } finally {
    await pool.close();
  }
  return latencies;
}

/** The `fraction` quantile (0.5, 0.99) of unsorted values, nearest rank. */
export function quantile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))]!;
}

/**
 * CPU seconds a process has used so far: the sum of its threads' time on a CPU (the first field of
 * /proc/<pid>/task/<tid>/schedstat, in nanoseconds). /proc/<pid>/stat has the same total in clock ticks
 * (10 ms here), which over a 5 s run at 100 requests/s is 20 µs per request: too coarse to subtract an idle
 * baseline from. A thread that exits between two readings takes its time with it; node's threads (the
 * event loop, V8's workers, libuv's pool) live as long as the process.
 */
export async function cpuSeconds(pid: number): Promise<number> {
  const tasks = await readdir(`/proc/${pid}/task`);
  const nanoseconds = await Promise.all(
    tasks.map(async (tid) => {
      try {
        return Number((await readFile(`/proc/${pid}/task/${tid}/schedstat`, 'utf8')).split(' ', 1)[0]);
      } catch {
        return 0; // exited since the listing
      }
    }),
  );
  return nanoseconds.reduce((sum, each) => sum + each, 0) / 1e9;
}
