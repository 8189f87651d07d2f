import { secretsDriver } from '@platform/releases/dist/helm/drivers/secrets.js';
import type { KubeApi } from '@platform/releases/dist/kube/api.js';
import { helm } from '../../test/support/helm.js';
import type { Platform } from '../../test/support/platform.js';
import type { BenchUser } from '../support/bench-users.js';
import { benchContext, benchDecoder, type BenchNamespaces } from '../support/cluster.js';
import { round, type Figure, type Section } from '../support/report.js';
import { ReleaseSeeder, seededName } from '../support/seed-releases.js';
import { median, sideBySide, timeMs } from '../support/stats.js';

export interface ListBenchOptions {
  /** Release counts, ascending; the namespace grows from one to the next. */
  sizes: number[];
  /** The size whose helm/API ratio is `list_speedup_vs_helm`. */
  compareAt: number;
  rounds(size: number): number;
}

/**
 * `GET /api/releases?namespace=NS` (warm client cache, whole body received) against
 * `helm list -n NS -o json --max 0`, in one namespace grown to each size. Every release has three revisions:
 * copies of one release that helm installed and upgraded twice.
 */
export async function measureListing(
  platform: Platform,
  user: BenchUser,
  api: KubeApi,
  namespaces: BenchNamespaces,
  chart: string,
  options: ListBenchOptions,
): Promise<Section> {
  const namespace = await namespaces.create('list');
  const template = seededName(0);
  await helm(['install', template, chart, '-n', namespace]);
  for (const message of ['two', 'three']) await helm(['upgrade', template, chart, '-n', namespace, '--set', `message=${message}`]);
  const records = (await secretsDriver(api, benchDecoder).list(namespace, template)).sort((a, b) => a.version - b.version);
  const history = await Promise.all(records.map((record) => record.decode()));
  const seeder = new ReleaseSeeder(api, history);

  const helmList = () => helm(['list', '-n', namespace, '-o', 'json', '--max', '0']);
  const apiUrl = `${platform.gatewayUrl}/api/releases?namespace=${namespace}&context=${benchContext}`;
  const apiList = async () => {
    const response = await fetch(apiUrl, { headers: { cookie: `porter_session=${user.client.cookie}` } });
    if (response.status !== 200) throw new Error(`listing through the API failed: ${response.status} ${await response.text()}`);
    return response.arrayBuffer();
  };

  const figures: Figure[] = [];
  const details: string[] = [];
  let seeded = 1;
  for (const size of options.sizes) {
    const seedMs = await timeMs(() => seeder.seed(namespace, seeded, size));
    details.push(`seeded ${size - seeded} releases (${3 * (size - seeded)} Secrets) in ${round(seedMs / 1000, 1)} s`);
    seeded = size;
    const seenByHelm = (JSON.parse(await helmList()) as unknown[]).length;
    const seenByApi = (JSON.parse(Buffer.from(await apiList()).toString('utf8')) as unknown[]).length;
    if (seenByHelm !== size || seenByApi !== size) throw new Error(`${size} releases stored, helm lists ${seenByHelm}, the API ${seenByApi}`);

    const rounds = options.rounds(size);
    const results = await sideBySide(rounds, { api: () => timeMs(apiList), helm: () => timeMs(helmList) });
    const apiMs = median(results.api);
    const helmMs = median(results.helm);
    figures.push({ name: `list_ms_at_${size}`, value: apiMs, unit: 'ms' });
    if (size === options.compareAt) figures.unshift({ name: 'list_speedup_vs_helm', value: helmMs / apiMs, unit: '', goal: { atLeast: 10 } });
    const list = (values: number[]) => values.map((value) => round(value, 0)).join(', ');
    details.push(
      `${size} releases: API ${round(apiMs, 1)} ms (${list(results.api)}), helm list ${round(helmMs, 0)} ms (${list(results.helm)}): helm/API ${round(helmMs / apiMs, 2)}`,
    );
  }
  return { title: 'list (3 revisions per release, Secrets storage)', figures, details };
}
