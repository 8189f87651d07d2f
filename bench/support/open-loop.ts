import { readFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
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

const clockTicksPerSecond = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces: fields count from after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond;
}
