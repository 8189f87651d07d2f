import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeChart } from '../chart-files.js';
import type { HelmRelease } from '../codec.js';
import { parseUpgradeValues } from '../values.js';
import { helmTimestamp, recordNewRevision, settlePending, type ReleaseOperationContext } from './operation.js';
import { upgradeBinding } from './plan-bindings.js';

/**
 * `helm upgrade` with the chart of the latest revision and new values (empty values reuse the previous ones,
 * as Helm does). On a cluster the helm binary runs on the chart materialised from storage, for Helm's
 * fidelity (hooks, three-way merge, schema validation, records). Memory releases are in-process records for
 * tests and demos: `helm template` renders the manifest, no cluster is touched.
 * 422/607 for values that are not a YAML map (checked before helm runs) or fail the chart's schema;
 * 409/609 when `planToken` is not the token of a plan of exactly this upgrade from the latest revision.
 */
export async function upgradeRelease(context: ReleaseOperationContext, valuesText: string, planToken?: string): Promise<void> {
  const values = parseUpgradeValues(valuesText);
  const read = async () => {
    const history = await context.store.historyRecords(context.namespace, context.name);
    const latest = history.at(-1)!;
    return { history, latest, current: await latest.decode() };
  };
  const { history, latest, current } = await (context.timings ? context.timings.time('history', read) : read());
  const chartVersion = current.chart.metadata.version;
  if (context.revisions) context.revisions.before = { namespace: latest.namespace, revision: latest.version, chartVersion };
  await settlePending(context, latest);
  if (planToken !== undefined) context.planTokens.verify(upgradeBinding(context, latest.version, valuesText), planToken);

  if (context.cluster) {
    const revision = revisionOf(await runHelmUpgrade(context, current, valuesText, values !== undefined, []));
    if (context.revisions && revision !== undefined) context.revisions.after = { namespace: latest.namespace, revision, chartVersion };
    return;
  }
  const config = values ?? current.config ?? {};
  await recordNewRevision(
    context,
    history,
    {
      ...current,
      config,
      manifest: await renderTemplate(context, current, config),
      hooks: [],
      version: latest.version + 1,
      info: {
        ...current.info,
        last_deployed: helmTimestamp(),
        deleted: '',
        status: 'deployed',
        description: 'Upgrade complete',
      },
    },
    'pending-upgrade',
  );
  if (context.revisions) context.revisions.after = { namespace: latest.namespace, revision: latest.version + 1, chartVersion };
}

/** The revision helm says it wrote (`REVISION: N` in its report), undefined when it says none. */
function revisionOf(helmOutput: string): number | undefined {
  const match = /^REVISION: ([0-9]+)$/m.exec(helmOutput);
  return match ? Number(match[1]) : undefined;
}

/** `helm upgrade` of a cluster release on the chart of `current`; `extraArgs` such as a dry run. helm's stdout. */
export function runHelmUpgrade(
  context: ReleaseOperationContext,
  current: HelmRelease,
  valuesText: string,
  hasValues: boolean,
  extraArgs: string[],
): Promise<string> {
  const cluster = context.cluster!;
  return context.helm.run({
    user: context.user,
    args: ['upgrade', context.name, 'chart', '--namespace', context.namespace, ...(hasValues ? ['--values', 'values.yaml'] : ['--reuse-values']), ...extraArgs],
    kubeconfig: { text: cluster.kubeconfig, context: cluster.context },
    driver: cluster.driver,
    timings: context.timings,
    prepare: async (folder) => {
      await writeChart(folder, current.chart);
      // helm parses the text itself, so YAML reads exactly as the CLI would read it.
      if (hasValues) await writeFile(join(folder, 'values.yaml'), valuesText, { mode: 0o600 });
    },
  });
}

/** `helm template` of `current`'s chart with `config`: the manifest of a memory release, no cluster involved. */
export function renderTemplate(context: ReleaseOperationContext, current: HelmRelease, config: Record<string, unknown>): Promise<string> {
  return context.helm.run({
    user: context.user,
    args: ['template', context.name, 'chart', '--namespace', context.namespace, '--no-hooks', '--values', 'values.json'],
    prepare: async (folder) => {
      await writeChart(folder, current.chart);
      await writeFile(join(folder, 'values.json'), JSON.stringify(config), { mode: 0o600 });
    },
  });
}
