import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import { writeConfigMapChart } from '../test/support/helm.js';
import { measureGatewayCost } from './figures/gateway-cost.js';
import { measureGatewayOverhead } from './figures/gateway-overhead.js';
import { measureListing } from './figures/list.js';
import { measureLogin } from './figures/login.js';
import { measurePlan } from './figures/plan.js';
import { measureClientMemory } from './figures/rss.js';
import { measureTokenCost } from './figures/token-cost.js';
import { measureUpgrade } from './figures/upgrade.js';
import { startBenchPlatform } from './support/bench-platform.js';
import { benchUser, type BenchUser } from './support/bench-users.js';
import { adminKubeApi, BenchNamespaces } from './support/cluster.js';
import { writeLargeChart } from './support/large-chart.js';
import { readResults, table, writeResults, type Section } from './support/report.js';
import { inParallel } from './support/stats.js';

/**
 * `npm run bench`: the platform against its performance goals (see bench/README.md). `--quick` runs every
 * benchmark at small sizes, to check the benchmarks themselves without loading the machine for minutes.
 */
const benchmarks = ['login', 'gateway', 'tokens', 'upgrade', 'plan', 'list', 'list-large-chart', 'rss'] as const;
const { values: args } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, 'list-sizes': { type: 'string' }, rounds: { type: 'string' } },
});
const quick = args.quick ?? false;
/** `--only list,gateway`: those benchmarks alone (a partial run leaves results.json alone too). */
const only = args.only ? new Set(args.only.split(',')) : undefined;
const unknown = [...(only ?? [])].filter((name) => !(benchmarks as readonly string[]).includes(name));
if (unknown.length > 0) throw new Error(`--only: unknown benchmarks ${unknown.join(', ')} (known: ${benchmarks.join(', ')})`);
const runs = (name: (typeof benchmarks)[number]) => !only || only.has(name);
const scale = quick
  ? { clients: 50, listSizes: [20, 100], compareAt: 100, largeChartReleases: 20, seconds: 2, loginSeconds: 4, rounds: 3 }
  : { clients: 1000, listSizes: [100, 1000, 5000], compareAt: 1000, largeChartReleases: 100, seconds: 5, loginSeconds: 10, rounds: 5 };
/** `--list-sizes 100,1000`: a shorter list run (the ratios are taken at 1,000 when it is among them). */
if (args['list-sizes']) scale.listSizes = args['list-sizes'].split(',').map(Number);
/** `--rounds 15`: more rounds per side-by-side figure, for a steadier median on a noisy machine. */
if (args.rounds) scale.rounds = Number(args.rounds);
/** The users service's own default; BENCH_BCRYPT_COST measures logins at another cost. */
const bcryptCost = Number(process.env.BENCH_BCRYPT_COST ?? 12);
const resultsFile = join(dirname(fileURLToPath(import.meta.url)), 'results.json');
const step = (message: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

step(`starting the platform (users service at BCRYPT_COST=${bcryptCost})`);
const platform = await startBenchPlatform(bcryptCost);
const api = await adminKubeApi();
const namespaces = new BenchNamespaces(api);
const sections: Section[] = [];
try {
  const chart = await writeConfigMapChart();
  step('signing up 16 users');
  const users: BenchUser[] = [];
  await inParallel([...Array(16).keys()], 4, async (index) => {
    users.push(await benchUser(platform.gatewayUrl, `bench-${index}`, true));
  });
  const user = users[0]!;

  if (runs('login')) {
    step('logins against the bcrypt bound');
    sections.push(await measureLogin(platform, users, { bcryptCost, rounds: scale.rounds, seconds: scale.loginSeconds }));
  }
  if (runs('gateway')) {
    step('gateway cost at a fixed rate');
    sections.push(await measureGatewayCost(platform, user, { ratePerSecond: 100, rounds: scale.rounds, seconds: scale.seconds }));
    step('gateway overhead (the old throughput ratio, for comparison)');
    sections.push(await measureGatewayOverhead(platform, user, { connections: 10, rounds: scale.rounds, seconds: scale.seconds }));
  }
  if (runs('tokens')) {
    step('API token against session cookie');
    sections.push(await measureTokenCost(platform, user, { connections: 10, rounds: scale.rounds, seconds: scale.seconds }));
  }
  if (runs('upgrade')) {
    step('upgrade through the API and with helm');
    sections.push(await measureUpgrade(platform, user, namespaces, chart, scale.rounds));
  }
  if (runs('plan')) {
    step('upgrade preview against the upgrade; diff, resources and drift of a 50-object release');
    sections.push(await measurePlan(user, namespaces, scale.rounds));
  }
  if (runs('list')) {
    step(`list through the API and with helm at ${scale.listSizes.join(', ')} releases`);
    sections.push(
      await measureListing(platform, user, api, namespaces, chart, {
        label: 'list',
        sizes: scale.listSizes,
        compareAt: scale.compareAt,
        rounds: (size) => (size > scale.compareAt ? 3 : scale.rounds),
        goals: {
          list_speedup_vs_helm: { atLeast: 10 },
          list_ms_at_1000: { atMost: 25 },
          list_ms_at_5000: { atMost: 95 },
          list_page50_ms_at_5000: { atMost: 40 },
        },
      }),
    );
  }
  if (runs('list-large-chart')) {
    step(`list of ${scale.largeChartReleases} releases of a chart with a 300 KiB manifest`);
    sections.push(
      await measureListing(platform, user, api, namespaces, await writeLargeChart(300), {
        label: 'list_large_chart',
        sizes: [scale.largeChartReleases],
        compareAt: scale.largeChartReleases,
        rounds: () => scale.rounds,
      }),
    );
  }
  if (runs('rss')) {
    step(`a fresh releases service caching ${scale.clients} users' clients`);
    sections.push(await measureClientMemory(platform, namespaces, scale.clients));
  }
} finally {
  step('cleaning up');
  await platform.stop();
  await namespaces.deleteAll();
  await api.close();
  const mongo = await MongoClient.connect(platform.mongoUrl);
  await mongo.db().dropDatabase();
  await mongo.close();
}

console.log(table(sections, await readResults(resultsFile)));
// Quick runs measure other sizes: they must not replace the tracked figures.
if (!quick && !only && !args['list-sizes']) {
  await writeResults(resultsFile, sections);
  step(`figures written to ${resultsFile}`);
}
