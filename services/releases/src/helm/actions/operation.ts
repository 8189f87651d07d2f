import { AppError } from '@platform/service-kit';
import { ErrorCode, ErrorMessage } from '@platform/contracts';
import type { HelmCli } from '../cli.js';
import type { HelmRelease } from '../codec.js';
import type { ReleaseRecord } from '../driver.js';
import { ReleaseRecordExistsError } from '../driver.js';
import { pendingStatuses, type ReleaseStore } from '../storage.js';

/** What an operation on one release shares (Helm's action Configuration). */
export interface ReleaseOperationContext {
  store: ReleaseStore;
  helm: HelmCli;
  namespace: string;
  name: string;
  /** How the helm binary reaches the cluster; absent for memory releases, which never touch a cluster. */
  cluster?: { kubeconfig: string; context: string; driver: 'secret' | 'configmap' };
}

/** 409/606 while the latest revision is pending: helm would refuse it too, we say so first. */
export function refuseWhilePending(latest: ReleaseRecord): void {
  if (pendingStatuses.has(latest.status)) {
    throw new AppError(409, ErrorCode.OperationInProgress, [ErrorMessage.operationInProgress]);
  }
}

/** Go's time.Time JSON (RFC 3339), as Helm writes `first_deployed`/`last_deployed`. */
export function helmTimestamp(): string {
  return new Date().toISOString();
}

/**
 * Writes a new in-process revision the way Helm's actions do: the new record is created pending (claiming
 * the revision number), the deployed ones become superseded, then the new one becomes deployed; at no time
 * are two revisions deployed.
 */
export async function recordNewRevision(
  context: ReleaseOperationContext,
  history: ReleaseRecord[],
  next: HelmRelease,
  pendingStatus: 'pending-upgrade' | 'pending-rollback',
): Promise<void> {
  try {
    await context.store.create({ ...next, info: { ...next.info, status: pendingStatus } });
  } catch (error) {
    if (error instanceof ReleaseRecordExistsError) {
      throw new AppError(409, ErrorCode.OperationInProgress, [ErrorMessage.operationInProgress], { cause: error });
    }
    throw error;
  }
  for (const record of history.filter((entry) => entry.status === 'deployed')) {
    const previous = record.decode();
    await context.store.update({ ...previous, info: { ...previous.info, status: 'superseded' } });
  }
  await context.store.update(next);
}
