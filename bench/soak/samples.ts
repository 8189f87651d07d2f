import { readFile } from 'node:fs/promises';
import type { Platform, ServiceName } from '../../test/support/platform.js';

export const services: readonly ServiceName[] = ['gateway', 'users', 'releases'];

/** One service at one moment. */
export interface ServiceSample {
  rssMiB: number;
  /** What V8 holds for its heap, and how much of it live and not yet collected objects take. */
  heapTotalMiB: number;
  heapUsedMiB: number;
  /** Event-loop delay since the previous sample (prom-client resets its histogram at every scrape). */
  loopP99Ms: number;
  loopMaxMs: number;
}

export interface Sample {
  atSeconds: number;
  load: { requests: number; failed: number; p99Ms: number };
  services: Record<ServiceName, ServiceSample>;
}

/** Resident memory from /proc (what the kernel holds for the process), event loop and heap from its /metrics. */
export async function sampleService(platform: Platform, name: ServiceName): Promise<ServiceSample> {
  const pid = platform.pid(name);
  if (pid === undefined) throw new Error(`${name} is not running`);
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const rssKiB = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? Number.NaN);
  const metrics = await (await fetch(`${platform.serviceUrl[name]}/metrics`)).text();
  const gauge = (metric: string) => {
    const value = new RegExp(`^${metric} ([0-9.e+-]+)$`, 'm').exec(metrics)?.[1];
    if (value === undefined) throw new Error(`${name}'s /metrics has no ${metric}`);
    return Number(value);
  };
  return {
    rssMiB: rssKiB / 1024,
    heapTotalMiB: gauge('nodejs_heap_size_total_bytes') / 2 ** 20,
    heapUsedMiB: gauge('nodejs_heap_size_used_bytes') / 2 ** 20,
    loopP99Ms: gauge('nodejs_eventloop_lag_p99_seconds') * 1000,
    loopMaxMs: gauge('nodejs_eventloop_lag_max_seconds') * 1000,
  };
}

const fixed = (value: number, digits = 1) => value.toFixed(digits);

export function tableHeader(): string {
  const perService = services.map((name) => `${name.padEnd(8)} rss/heap/used MiB  loop p99/max ms`).join(' | ');
  return `${'t s'.padStart(5)} ${'req/s'.padStart(6)} ${'fail'.padStart(5)} ${'p99 ms'.padStart(7)} | ${perService}`;
}

export function tableRow(sample: Sample, intervalSeconds: number): string {
  const perService = services
    .map((name) => {
      const s = sample.services[name];
      return `${`${fixed(s.rssMiB)}/${fixed(s.heapTotalMiB)}/${fixed(s.heapUsedMiB)}`.padStart(26)} ${`${fixed(s.loopP99Ms)}/${fixed(s.loopMaxMs)}`.padStart(16)}`;
    })
    .join(' | ');
  const { load } = sample;
  return `${String(Math.round(sample.atSeconds)).padStart(5)} ${fixed(load.requests / intervalSeconds).padStart(6)} ${String(load.failed).padStart(5)} ${fixed(load.p99Ms).padStart(7)} | ${perService}`;
}

/** Resident memory at the end against just after warm-up: the mean of a few samples each, to smooth GC. */
export interface MemoryGrowth {
  service: ServiceName;
  afterWarmUpMiB: number;
  atEndMiB: number;
  growth: number;
  /** The V8 heap (total/used) over the same samples, to tell a heap that grew from other memory. */
  heapMiB: { afterWarmUp: [number, number]; atEnd: [number, number] };
}

export function memoryGrowth(samples: Sample[], warmUpSeconds: number, window = 3): MemoryGrowth[] {
  const settled = samples.filter((sample) => sample.atSeconds >= warmUpSeconds);
  if (settled.length < 2 * window) throw new Error(`${settled.length} samples after warm-up; the run is too short to judge memory`);
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const first = settled.slice(0, window);
  const last = settled.slice(-window);
  return services.map((service) => {
    const meanOf = (part: Sample[], key: 'rssMiB' | 'heapTotalMiB' | 'heapUsedMiB') => mean(part.map((sample) => sample.services[service][key]));
    const afterWarmUpMiB = meanOf(first, 'rssMiB');
    const atEndMiB = meanOf(last, 'rssMiB');
    return {
      service,
      afterWarmUpMiB,
      atEndMiB,
      growth: atEndMiB / afterWarmUpMiB - 1,
      heapMiB: { afterWarmUp: [meanOf(first, 'heapTotalMiB'), meanOf(first, 'heapUsedMiB')], atEnd: [meanOf(last, 'heapTotalMiB'), meanOf(last, 'heapUsedMiB')] },
    };
  });
}
