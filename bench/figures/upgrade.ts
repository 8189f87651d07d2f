import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { helm } from '../../test/support/helm.js';
import type { BenchUser } from '../support/bench-users.js';
import { benchContext, type BenchNamespaces } from '../support/cluster.js';
import { round, type Section } from '../support/report.js';
import { parseServerTiming } from '../support/server-timing.js';
import { median, sideBySide, timeMs } from '../support/stats.js';

/**
 * An upgrade through the API (gateway, releases service, the chart re-materialised from storage, the helm
 * binary) against `helm upgrade` of the same chart with the same values, each on its own release installed
 * alike; round r sets the same new value on both.
 */
export async function measureUpgrade(user: BenchUser, namespaces: BenchNamespaces, chart: string, rounds: number): Promise<Section> {
  const namespace = await namespaces.create('upgrade');
  for (const name of ['via-api', 'via-helm']) await helm(['install', name, chart, '-n', namespace]);
  // Outside the chart folder: helm would store any file in it as part of the chart.
  const valuesFolder = await mkdtemp(join(tmpdir(), 'bench-values-'));
  let apiRound = 0;
  let helmRound = 0;
  /** The releases service's phases of each timed API upgrade (its Server-Timing header, passed on by the gateway). */
  const phases: Array<Record<string, number>> = [];
  const viaApi = () =>
    timeMs(async () => {
      apiRound += 1;
      const reply = await user.client.post('/api/releases/via-api/upgrade', { namespace, context: benchContext, values: `message: round-${apiRound}\n` });
      if (reply.status !== 200) throw new Error(`upgrade through the API failed: ${reply.status} ${reply.text}`);
      phases.push(parseServerTiming(reply.headers.get('server-timing')));
    });
  const viaHelm = async () => {
    helmRound += 1;
    const values = join(valuesFolder, `round-${helmRound}.yaml`);
    await writeFile(values, `message: round-${helmRound}\n`);
    return timeMs(() => helm(['upgrade', 'via-helm', chart, '-n', namespace, '--values', values]));
  };

  await viaApi();
  await viaHelm();
  phases.length = 0;
  const results = await sideBySide(rounds, { api: viaApi, helm: viaHelm });
  const apiMs = median(results.api);
  const helmMs = median(results.helm);
  const list = (values: number[]) => values.map((value) => round(value, 0)).join(', ');
  return {
    title: `upgrade (ConfigMap chart, ${rounds} rounds)`,
    figures: [{ name: 'upgrade_ratio_vs_helm', value: apiMs / helmMs, unit: '', goal: { atMost: 1.08 } }],
    details: [
      `through the API: ${round(apiMs, 0)} ms (${list(results.api)})`,
      `helm upgrade: ${round(helmMs, 0)} ms (${list(results.helm)})`,
      `releases service phases (medians, ms): ${phaseMedians(phases)}`,
    ],
  };
}

/** Each phase's median over the rounds, in the order the service reported them. */
function phaseMedians(rounds: ReadonlyArray<Record<string, number>>): string {
  const names = [...new Set(rounds.flatMap((phases) => Object.keys(phases)))];
  return names.map((name) => `${name} ${round(median(rounds.map((phases) => phases[name] ?? 0)), 1)}`).join(', ');
}
