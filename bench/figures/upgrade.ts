import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeconfigVersionHeader } from '@platform/contracts';
import { ClusterAddressPolicy, ClusterEgressProxy, clusterAccessOf, minimalKubeconfig } from '@platform/releases';
import { signIdentity } from '@platform/service-kit';
import { kubeconfigPath } from '@platform/test-support';
import { helm } from '../../test/support/helm.js';
import type { Platform } from '../../test/support/platform.js';
import type { BenchUser } from '../support/bench-users.js';
import { benchContext, type BenchNamespaces } from '../support/cluster.js';
import { round, type Section } from '../support/report.js';
import { parseServerTiming } from '../support/server-timing.js';
import { median, sideBySide, timeMs } from '../support/stats.js';

/** One timed API upgrade: the caller's time and the releases service's phases (its Server-Timing header). */
interface TimedUpgrade {
  ms: number;
  phases: Record<string, number>;
}

/**
 * An upgrade through the API (gateway, releases service, the chart re-materialised from storage, the helm
 * binary) against `helm upgrade` of the same chart with the same values, each on its own release installed
 * alike; round r sets the same new value on both. A third release is upgraded straight at the releases
 * service (signed as the gateway signs) in the same rounds, to tell the gateway's share from the service's.
 *
 * The service's helm reaches the cluster only through its egress proxy (kube/egress-proxy.ts: the address
 * policy judges every connection, redirects included), which the helm CLI on its own does not pay. A fourth
 * release is upgraded by the helm CLI through the same proxy, made as the service makes it: its time over
 * plain helm's bounds the ratio, whatever the rest of the service costs.
 */
export async function measureUpgrade(platform: Platform, user: BenchUser, namespaces: BenchNamespaces, chart: string, rounds: number): Promise<Section> {
  const namespace = await namespaces.create('upgrade');
  for (const name of ['via-api', 'via-helm', 'direct', 'via-egress']) await helm(['install', name, chart, '-n', namespace]);
  // Outside the chart folder: helm would store any file in it as part of the chart.
  const valuesFolder = await mkdtemp(join(tmpdir(), 'bench-values-'));
  const counts = { api: 0, helm: 0, direct: 0, egress: 0 };
  const values = (side: keyof typeof counts) => `message: round-${(counts[side] += 1)}\n`;
  // The allow-list `npm start` gives the service for the local cluster.
  const egress = new ClusterEgressProxy(new ClusterAddressPolicy(['127.0.0.1/32']));
  const egressKubeconfig = join(valuesFolder, 'through-egress.kubeconfig');
  const access = clusterAccessOf(await readFile(await kubeconfigPath(), 'utf8'), benchContext);
  await writeFile(egressKubeconfig, minimalKubeconfig(access, access.server, await egress.url()));
  const helmUpgrade = async (release: string, side: 'helm' | 'egress', kubeconfig?: string): Promise<TimedUpgrade> => {
    const file = join(valuesFolder, `${side}-round-${counts[side] + 1}.yaml`);
    await writeFile(file, values(side));
    return { ms: await timeMs(() => helm(['upgrade', release, chart, '-n', namespace, '--values', file], benchContext, kubeconfig)), phases: {} };
  };
  const upgrade = async (url: string, headers: Record<string, string>, body: string): Promise<TimedUpgrade> => {
    let phases: Record<string, number> = {};
    const ms = await timeMs(async () => {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      const text = await response.text();
      if (response.status !== 200) throw new Error(`upgrade ${url} failed: ${response.status} ${text}`);
      phases = parseServerTiming(response.headers.get('server-timing'));
    });
    return { ms, phases };
  };
  const sides = {
    api: () =>
      upgrade(
        `${platform.gatewayUrl}/api/releases/via-api/upgrade`,
        { cookie: `porter_session=${user.client.cookie}` },
        JSON.stringify({ namespace, context: benchContext, values: values('api') }),
      ),
    direct: () => {
      const path = '/api/releases/direct/upgrade';
      const identity = signIdentity(platform.signingSecret, { kind: 'user', userId: user.id }, { audience: 'releases', method: 'POST', url: path });
      const headers = { ...identity, [KubeconfigVersionHeader.minimum]: '1' };
      return upgrade(`${platform.serviceUrl.releases}${path}`, headers, JSON.stringify({ namespace, context: benchContext, values: values('direct') }));
    },
    helm: () => helmUpgrade('via-helm', 'helm'),
    helmThroughEgress: () => helmUpgrade('via-egress', 'egress', egressKubeconfig),
  };

  let results: Record<keyof typeof sides, TimedUpgrade[]>;
  try {
    for (const side of Object.values(sides)) await side();
    results = await sideBySide(rounds, sides);
  } finally {
    await egress.close();
  }
  const ms = (side: TimedUpgrade[]) => side.map((result) => result.ms);
  const apiMs = median(ms(results.api));
  const helmMs = median(ms(results.helm));
  const egressMs = median(ms(results.helmThroughEgress));
  const list = (values: number[]) => values.map((value) => round(value, 0)).join(', ');
  // What the caller waited beyond the service's own `total`: the hops (and the gateway, through it).
  const outside = (side: TimedUpgrade[]) => round(median(side.map((result) => result.ms - (result.phases.total ?? 0))), 1);
  return {
    title: `upgrade (ConfigMap chart, ${rounds} rounds)`,
    figures: [
      {
        name: 'upgrade_ratio_vs_helm',
        value: apiMs / helmMs,
        unit: '',
        goal: { atMost: 1.08 },
        bound: { value: egressMs / helmMs, what: "helm upgrade through the service's egress proxy / helm upgrade" },
      },
    ],
    details: [
      `through the API: ${round(apiMs, 0)} ms (${list(ms(results.api))})`,
      `helm upgrade: ${round(helmMs, 0)} ms (${list(ms(results.helm))})`,
      `helm upgrade through the egress proxy: ${round(egressMs, 0)} ms (${list(ms(results.helmThroughEgress))})`,
      `straight to the releases service: ${round(median(ms(results.direct)), 0)} ms (${list(ms(results.direct))})`,
      `releases service phases through the API (medians, ms): ${phaseMedians(results.api.map((result) => result.phases))}`,
      `outside the service's total (medians, ms): through the gateway ${outside(results.api)}, straight ${outside(results.direct)}`,
    ],
  };
}

/** Each phase's median over the rounds, in the order the service reported them. */
function phaseMedians(rounds: ReadonlyArray<Record<string, number>>): string {
  const names = [...new Set(rounds.flatMap((phases) => Object.keys(phases)))];
  return names.map((name) => `${name} ${round(median(rounds.map((phases) => phases[name] ?? 0)), 1)}`).join(', ');
}
