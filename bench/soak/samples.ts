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

/**
 * Growth of resident memory after the warm-up: the high-water mark of the later half of the samples
 * against that of the earlier half. Single samples mislead: V8 grows a heap to its working size once
 * (the gateway's 45 → 61 MiB, 75-90 s in) and hands memory back now and then (the users and releases
 * services' RSS fell by 40-50 MiB for a minute and came back), so a sample taken in such a trough looks
 * like growth later. A leak raises the high-water mark; sizing and trimming do not.
 */
export interface MemoryGrowth {
  service: ServiceName;
  earlierPeakMiB: number;
  laterPeakMiB: number;
  growth: number;
  /** The V8 heap's total size at its peak in each half: tells a growing heap from other memory. */
  heapPeakMiB: [number, number];
}

export function memoryGrowth(samples: Sample[], warmUpSeconds: number): MemoryGrowth[] {
  const settled = samples.filter((sample) => sample.atSeconds >= warmUpSeconds);
  if (settled.length < 6) throw new Error(`${settled.length} samples after warm-up; the run is too short to judge memory`);
  const earlier = settled.slice(0, Math.floor(settled.length / 2));
  const later = settled.slice(Math.floor(settled.length / 2));
  return services.map((service) => {
    const peak = (part: Sample[], key: 'rssMiB' | 'heapTotalMiB') => Math.max(...part.map((sample) => sample.services[service][key]));
    const earlierPeakMiB = peak(earlier, 'rssMiB');
    const laterPeakMiB = peak(later, 'rssMiB');
    return {
      service,
      earlierPeakMiB,
      laterPeakMiB,
      growth: laterPeakMiB / earlierPeakMiB - 1,
      heapPeakMiB: [peak(earlier, 'heapTotalMiB'), peak(later, 'heapTotalMiB')],
    };
  });
}
