import { releaseNotFound } from '../storage.js';
import { settlePending, type ReleaseOperationContext } from './operation.js';

/**
 * `helm uninstall`: helm runs the delete hooks, deletes the release's objects and its records, or with
 * `keepHistory` keeps them with the latest one `uninstalled` (the release can then be rolled back).
 * 404/602 for an unknown release, or one uninstalled already with its history kept (helm refuses to
 * uninstall it again without purging); 409/606 while an operation is pending.
 */
export async function uninstallRelease(context: ReleaseOperationContext, keepHistory: boolean): Promise<void> {
  const history = await context.store.historyRecords(context.namespace, context.name);
  const latest = history.at(-1)!;
  await settlePending(context, latest);
  if (latest.status === 'uninstalled' && keepHistory) throw releaseNotFound();
  const cluster = context.cluster!;
  await context.helm.run({
    user: context.user,
    args: ['uninstall', context.name, '--namespace', context.namespace, ...(keepHistory ? ['--keep-history'] : [])],
    kubeconfig: { text: cluster.kubeconfig, context: cluster.context },
    driver: cluster.driver,
  });
}
