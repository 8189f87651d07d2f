import { releaseNotFound } from '../storage.js';
import { helmTimestamp, recordNewRevision, settlePending, type ReleaseOperationContext } from './operation.js';
import { rollbackBinding } from './plan-bindings.js';

/**
 * `helm rollback`: revision 0 means the previous one. On a cluster the helm binary does it (hooks, the
 * three-way merge of objects, records exactly as Helm writes them). Memory releases are in-process records
 * for tests and demos: the target revision is copied into a new one, no cluster is touched.
 * 404/602 for an unknown release or revision, 409/606 while an operation is pending, 409/609 when
 * `planToken` is not the token of a plan of exactly this rollback from the latest revision.
 */
export async function rollbackRelease(context: ReleaseOperationContext, revision: number, planToken?: string): Promise<void> {
  const history = await context.store.historyRecords(context.namespace, context.name);
  const latest = history.at(-1)!;
  await settlePending(context, latest);
  const targetVersion = revision === 0 ? latest.version - 1 : revision;
  const target = history.find((record) => record.version === targetVersion);
  if (!target) throw releaseNotFound();
  if (planToken !== undefined) context.planTokens.verify(rollbackBinding(context, latest.version, targetVersion), planToken);

  if (context.cluster) {
    await context.helm.run({
      user: context.user,
      args: ['rollback', context.name, String(targetVersion), '--namespace', context.namespace],
      kubeconfig: { text: context.cluster.kubeconfig, context: context.cluster.context },
      driver: context.cluster.driver,
    });
    return;
  }
  const targetRelease = await target.decode();
  const current = await latest.decode();
  await recordNewRevision(
    context,
    history,
    {
      ...targetRelease,
      version: latest.version + 1,
      info: {
        ...targetRelease.info,
        first_deployed: current.info.first_deployed,
        last_deployed: helmTimestamp(),
        deleted: '',
        status: 'deployed',
        description: `Rollback to ${targetVersion}`,
      },
    },
    'pending-rollback',
  );
}
