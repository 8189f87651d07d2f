import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeChart } from '../chart-files.js';
import { parseUpgradeValues } from '../values.js';
import { helmTimestamp, recordNewRevision, settlePending, type ReleaseOperationContext } from './operation.js';

/**
 * `helm upgrade` with the chart of the latest revision and new values (empty values reuse the previous ones,
 * as Helm does). On a cluster the helm binary runs on the chart materialised from storage, for Helm's
 * fidelity (hooks, three-way merge, schema validation, records). Memory releases are in-process records for
 * tests and demos: `helm template` renders the manifest, no cluster is touched.
 * 422/607 for values that are not a YAML map (checked before helm runs) or fail the chart's schema.
 */
export async function upgradeRelease(context: ReleaseOperationContext, valuesText: string): Promise<void> {
  const values = parseUpgradeValues(valuesText);
  const history = await context.store.historyRecords(context.namespace, context.name);
  const latest = history.at(-1)!;
  await settlePending(context, latest);
  const current = latest.decode();

  if (context.cluster) {
    await context.helm.run({
      args: ['upgrade', context.name, 'chart', '--namespace', context.namespace, ...(values ? ['--values', 'values.yaml'] : ['--reuse-values'])],
      kubeconfig: { text: context.cluster.kubeconfig, context: context.cluster.context },
      driver: context.cluster.driver,
      prepare: async (folder) => {
        await writeChart(folder, current.chart);
        // helm parses the text itself, so YAML reads exactly as the CLI would read it.
        if (values) await writeFile(join(folder, 'values.yaml'), valuesText, { mode: 0o600 });
      },
    });
    return;
  }

  const config = values ?? current.config ?? {};
  const manifest = await context.helm.run({
    args: ['template', context.name, 'chart', '--namespace', context.namespace, '--no-hooks', '--values', 'values.json'],
    prepare: async (folder) => {
      await writeChart(folder, current.chart);
      await writeFile(join(folder, 'values.json'), JSON.stringify(config), { mode: 0o600 });
    },
  });
  await recordNewRevision(
    context,
    history,
    {
      ...current,
      config,
      manifest,
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
}
