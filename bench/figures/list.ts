import { secretsDriver, type KubeApi } from '@platform/releases';
import { redisUrl } from '@platform/test-support';
import { helm } from '../../test/support/helm.js';
import type { Platform } from '../../test/support/platform.js';
import type { BenchUser } from '../support/bench-users.js';
import { benchDecoder, type BenchNamespaces } from '../support/cluster.js';
import { startFloorServer, startSessionProxyFloor } from '../support/floor-server.js';
import { ListClients, type ServerTiming } from '../support/list-clients.js';
import { round, type Bound, type Figure, type Section } from '../support/report.js';
import { ReleaseSeeder, seededName } from '../support/seed-releases.js';
import { median, sideBySide, timeMs } from '../support/stats.js';

export interface ListBenchOptions {
  /** Which chart the releases are made of; prefixes the figures' names (`list` for the tiny one). */
  label: string;
  /** Release counts, ascending; the namespace grows from one to the next. */
  sizes: number[];
  /** The size whose helm/API ratio is `<label>_speedup_vs_helm`. */
  compareAt: number;
  rounds(size: number): number;
  /** Goals by figure name (the issue's). */
  goals?: Record<string, Figure['goal']>;
}

/** Releases per page in the paged comparisons (`limit=50` against `helm list --max 50`). */
const pageSize = 50;

/**
 * In one namespace grown to each size, side by side: the whole list and a page of 50 through the gateway
 * (warm client cache, whole body received), `helm list -o json` with the same mask and page, a bare
 * consistent LIST of the same Secrets (the floor of any answer that reads every record) and the
 * metadata-only list the service makes (its own floor). Every release has three revisions: copies of one
 * release that helm installed and upgraded twice. The releases service's own phases come from the
 * Server-Timing header of the same calls made to it directly.
 *
 * The bound of each list figure is what no answer through a proxy can avoid: the metadata read of the whole
 * namespace (the mask and the sort need every release's labels, a page's too), then moving an answer of the
 * same size through one proxy hop (a bare server answering that many bytes, behind the bare proxy with one
 * Redis GET of startSessionProxyFloor), received by the same client. The answer cannot start before the read
 * has ended, so the two add up.
 */
export async function measureListing(...args: ListingArgs): Promise<Section> {
  const payloads = await startFloorServer();
  const proxy = await startSessionProxyFloor(payloads.url, await redisUrl());
  try {
    return await measureSizes(proxy.url, ...args);
  } finally {
    await Promise.all([proxy.stop(), payloads.stop()]);
  }
}

type ListingArgs = [platform: Platform, user: BenchUser, api: KubeApi, namespaces: BenchNamespaces, chart: string, options: ListBenchOptions];

async function measureSizes(transferUrl: string, ...[platform, user, api, namespaces, chart, options]: ListingArgs): Promise<Section> {
  const namespace = await namespaces.create(options.label.replaceAll('_', '-'));
  const template = seededName(0);
  await helm(['install', template, chart, '-n', namespace]);
  for (const message of ['two', 'three']) await helm(['upgrade', template, chart, '-n', namespace, '--set', `message=${message}`]);
  const records = (await secretsDriver(api, benchDecoder).list(namespace, template)).sort((a, b) => a.version - b.version);
  const history = await Promise.all(records.map((record) => record.decode()));
  const seeder = new ReleaseSeeder(api, history);
  const clients = new ListClients(platform, user, api, namespace);
  const cacheBefore = await clients.bodyCache();

  const figures: Figure[] = [];
  const details: string[] = [];
  const figure = (name: string, value: number, unit: string, bound?: Bound) =>
    figures.push({ name: `${options.label}_${name}`, value, unit, goal: options.goals?.[`${options.label}_${name}`], bound });
  const list = (values: number[]) => values.map((value) => round(value, 0)).join(', ');
  let seeded = 1;
  for (const size of options.sizes) {
    const seedStarted = performance.now();
    await seeder.seed(namespace, seeded, size);
    details.push(`seeded ${size - seeded} releases (${3 * (size - seeded)} Secrets) in ${round((performance.now() - seedStarted) / 1000, 1)} s`);
    seeded = size;
    await clients.checkCounts(size, pageSize);
    const bytes = { all: await clients.answerBytes(), page: await clients.answerBytes(pageSize) };
    const transfer = (length: number) =>
      timeMs(async () => {
        await (await fetch(`${transferUrl}/?bytes=${length}`)).arrayBuffer();
      });

    const phases: { all: ServerTiming[]; page: ServerTiming[] } = { all: [], page: [] };
    const results = await sideBySide(options.rounds(size), {
      api: () => clients.throughGateway(),
      apiPage: () => clients.throughGateway(pageSize),
      helm: () => clients.helmList(),
      helmPage: () => clients.helmList(pageSize),
      floor: () => clients.bareList(),
      metadataFloor: () => clients.metadataList('protobuf'),
      metadataJsonFloor: () => clients.metadataList('json'),
      transfer: () => transfer(bytes.all),
      transferPage: () => transfer(bytes.page),
      versionCheck: () => clients.versionCheck(),
      direct: async () => phases.all.push(await clients.direct()),
      directPage: async () => phases.page.push(await clients.direct(pageSize)),
    });
    const ms = Object.fromEntries(Object.entries(results).map(([side, values]) => [side, median(values as number[])])) as Record<keyof typeof results, number>;
    // Per round, the read as fast as it was seen (by this process, or by the service itself: its `entries`
    // phase, the same read and the decisions made from labels) plus the bytes moved in the same round; the
    // median over rounds, as the figure's.
    const readMs = results.metadataFloor.map((own, index) => Math.min(own, phases.all[index]?.entries ?? Number.POSITIVE_INFINITY));
    const boundMs = (moved: number[]) => median(readMs.map((read, index) => read + moved[index]!));
    const read = `the consistent metadata read of the ${size} releases (${round(median(readMs), 1)} ms)`;
    const moved = (length: number) => `${round(length / 2 ** 20, 2)} MiB through a bare proxy`;
    const whole: Bound = { value: boundMs(results.transfer), what: `${read}, then ${moved(bytes.all)}` };
    figure(`ms_at_${size}`, ms.api, 'ms', whole);
    figure(`page${pageSize}_ms_at_${size}`, ms.apiPage, 'ms', { value: boundMs(results.transferPage), what: `${read}, then ${moved(bytes.page)}` });
    figure(`metadata_floor_ms_at_${size}`, ms.metadataFloor, 'ms');
    if (size === options.compareAt) {
      figure('speedup_vs_helm', ms.helm / ms.api, '', { value: ms.helm / whole.value, what: `helm list / (${whole.what})` });
      figure(`page${pageSize}_speedup_vs_helm`, ms.helmPage / ms.apiPage, '');
      figure(`floor_ms_at_${size}`, ms.floor, 'ms');
      figure(`metadata_json_floor_ms_at_${size}`, ms.metadataJsonFloor, 'ms');
      figure('fixed_cost_ms', median(phases.all.map((timing) => timing.access ?? 0)), 'ms');
      figure('version_check_ms', ms.versionCheck, 'ms');
      // This list's share of the cache (it is shared with the benchmark's other namespaces).
      const cache = await clients.bodyCache();
      const bytes = cache.bytes - cacheBefore.bytes;
      const entries = cache.entries - cacheBefore.entries;
      figure('body_cache_mib_per_1000_releases', ((bytes / Math.max(entries, 1)) * 1000) / 2 ** 20, 'MiB');
      details.push(
        `body cache: this list's ${entries} bodies hold ${round(bytes / 2 ** 20, 1)} MiB of JSON (the whole cache ${round(cache.bytes / 2 ** 20, 1)} MiB)`,
      );
    }
    details.push(
      `${size} releases: API ${round(ms.api, 1)} ms (${list(results.api)}), helm list ${round(ms.helm, 0)} ms (${list(results.helm)}): helm/API ${round(ms.helm / ms.api, 2)}`,
      `  page of ${pageSize}: API ${round(ms.apiPage, 1)} ms (${list(results.apiPage)}), helm list --max ${pageSize} ${round(ms.helmPage, 0)} ms (${list(results.helmPage)}): helm/API ${round(ms.helmPage / ms.apiPage, 2)}`,
      `  floor: bare consistent LIST of the Secrets ${round(ms.floor, 1)} ms (${list(results.floor)}), metadata-only list decoded: protobuf ${round(ms.metadataFloor, 1)} ms, JSON ${round(ms.metadataJsonFloor, 1)} ms`,
      `  the answer's bytes through a bare proxy: whole list ${round(bytes.all / 2 ** 20, 2)} MiB in ${round(ms.transfer, 1)} ms (${list(results.transfer)}), page ${round(bytes.page / 1024, 0)} KiB in ${round(ms.transferPage, 1)} ms`,
      `  releases service phases (direct call, medians, ms): whole list ${phasesText(phases.all)}; page ${phasesText(phases.page)}`,
      `  its kubeconfig version check at the users service alone: ${round(ms.versionCheck, 1)} ms (${list(results.versionCheck)})`,
    );
  }
  return { title: `list, ${options.label} (3 revisions per release, Secrets storage)`, figures, details };
}

function phasesText(timings: ServerTiming[]): string {
  const names = Object.keys(timings[0] ?? {});
  return names.map((name) => `${name} ${round(median(timings.map((timing) => timing[name] ?? 0)), 1)}`).join(', ');
}
