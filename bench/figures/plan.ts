import { writePlanChart } from '@platform/test-support';
import { helm } from '../../test/support/helm.js';
import type { BenchUser } from '../support/bench-users.js';
import { benchContext, type BenchNamespaces } from '../support/cluster.js';
import { round, type Section } from '../support/report.js';
import { median, sideBySide, timeMs } from '../support/stats.js';

/** Objects of the release the diff, resources and drift are timed on (the plan chart's 6 and 44 ConfigMaps). */
const objects = 50;

/**
 * The preview of an upgrade (`dryRun: true`: helm's server-side dry run, the structured diff) against the
 * upgrade itself, both through the gateway, each on its own release installed alike; round r plans and
 * applies the same new values. Then, on a 50-object release, the revision diff, the resources (health) and
 * the drift, each timed alone.
 */
export async function measurePlan(user: BenchUser, namespaces: BenchNamespaces, rounds: number): Promise<Section> {
  const namespace = await namespaces.create('plan');
  const chart = await writePlanChart();
  const extra = ['--set', `extraObjects=${objects - 6}`];
  for (const name of ['planned', 'upgraded']) await helm(['install', name, chart, '-n', namespace, ...extra]);
  const body = (round: number, dryRun: boolean) => ({
    namespace,
    context: benchContext,
    values: `greeting: round-${round}\nextraObjects: ${objects - 6}\n`,
    dryRun,
  });
  let planRound = 0;
  let upgradeRound = 0;
  const call = async (path: string, payload?: unknown) => {
    const reply = payload === undefined ? await user.client.get(path) : await user.client.post(path, payload);
    if (reply.status !== 200) throw new Error(`${path} failed: ${reply.status} ${reply.text.slice(0, 300)}`);
    return reply;
  };
  const preview = () => timeMs(() => call('/api/releases/planned/upgrade', body(++planRound, true)));
  const upgrade = () => timeMs(() => call('/api/releases/upgraded/upgrade', body(++upgradeRound, false)));

  await preview();
  await upgrade();
  const operations = await sideBySide(rounds, { preview, upgrade });
  const query = `namespace=${namespace}&context=${benchContext}`;
  const reads = await sideBySide(rounds, {
    diff: () => timeMs(() => call(`/api/releases/upgraded/diff?${query}&from=1&to=2`)),
    resources: () => timeMs(() => call(`/api/releases/upgraded/resources?${query}`)),
    drift: () => timeMs(() => call(`/api/releases/upgraded/drift?${query}`)),
  });
  const previewMs = median(operations.preview);
  const upgradeMs = median(operations.upgrade);
  const list = (values: number[]) => values.map((value) => round(value, 0)).join(', ');
  return {
    title: `plan before you apply (${objects}-object release, ${rounds} rounds)`,
    figures: [
      { name: 'preview_ratio_vs_upgrade', value: previewMs / upgradeMs, unit: '', goal: { atMost: 1.3 } },
      { name: 'diff_ms_50_objects', value: median(reads.diff), unit: 'ms', goal: { atMost: 500 } },
      { name: 'resources_ms_50_objects', value: median(reads.resources), unit: 'ms', goal: { atMost: 500 } },
      { name: 'drift_ms_50_objects', value: median(reads.drift), unit: 'ms', goal: { atMost: 500 } },
    ],
    details: [
      `upgrade preview (dryRun): ${round(previewMs, 0)} ms (${list(operations.preview)})`,
      `upgrade: ${round(upgradeMs, 0)} ms (${list(operations.upgrade)})`,
      `diff of two revisions: ${list(reads.diff)} ms`,
      `resources with health: ${list(reads.resources)} ms`,
      `drift: ${list(reads.drift)} ms`,
    ],
  };
}
