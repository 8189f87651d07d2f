import { AppError } from '@platform/service-kit';
import { ErrorCode, ErrorMessage } from '@platform/contracts';
import type { KubeApi } from '../../kube/api.js';
import type { PhaseTimings } from '../../phase-timings.js';
import type { HelmCli } from '../cli.js';
import type { PlanTokens } from '../plan-tokens.js';
import type { HelmRelease } from '../codec.js';
import { ReleaseRecordExistsError, type ReleaseRecord } from '../driver.js';
import { pendingStatuses, type ReleaseStore } from '../storage.js';

/** What an operation on one release shares (Helm's action Configuration). */
export interface ReleaseOperationContext {
  /** The user asking: helm runs are bounded per user. */
  user: number;
  store: ReleaseStore;
  helm: HelmCli;
  namespace: string;
  name: string;
  /** How the helm binary reaches the cluster; absent for memory releases, which never touch a cluster. */
  cluster?: { kubeconfig: string; context: string; driver: 'secret' | 'configmap'; api: KubeApi };
  /** Age after which a pending latest revision can no longer have a live writer (see settlePending). */
  pendingStaleAfterMs: number;
  /** The storage and where it lives (cluster origin or memory scope): what plan tokens and locks name. */
  location: string;
  planTokens: PlanTokens;
  /** The request's phases, for its Server-Timing header (operations that report theirs). */
  timings?: PhaseTimings;
  /** Where an operation that reports them puts the latest revision it found and the one it wrote. */
  revisions?: RevisionReport;
}

/** The latest revision of a release: its number and chart version. */
export interface RevisionState {
  namespace: string;
  revision: number;
  chartVersion: string;
}

/**
 * What an operation saw and wrote, for its audit event: `before` once it has read the latest revision (null:
 * there is none), `after` once it knows the revision it wrote. Unset: not known, so read from storage.
 */
export interface RevisionReport {
  before?: RevisionState | null;
  after?: RevisionState | null;
}

/** The description of a pending revision marked failed because its operation died with its process. */
export const stalePendingDescription = 'stale pending operation recovered';

/**
 * 409/606 while the latest revision is pending: helm would refuse it too, we say so first. A pending revision
 * older than `pendingStaleAfterMs` (longer than any helm run of ours lives: HelmCli kills it at its timeout)
 * was left by a process that died mid-operation, a killed pod; it would block the release forever, so it is
 * marked failed, as Helm marks an operation that failed, and the new operation goes ahead. Two replicas
 * doing this at once write the same record; their operations then race as usual (one 409/606).
 */
export async function settlePending(context: ReleaseOperationContext, latest: ReleaseRecord): Promise<void> {
  const release = await refuseLivePending(context, latest);
  if (release) await context.store.update({ ...release, info: { ...release.info, status: 'failed', description: stalePendingDescription } });
}

/** 409/606 while the latest revision is pending and young; the stale pending release when it is old, else nothing. */
export async function refuseLivePending(context: ReleaseOperationContext, latest: ReleaseRecord): Promise<HelmRelease | undefined> {
  if (!pendingStatuses.has(latest.status)) return undefined;
  const release = await latest.decode();
  const startedAt = Date.parse(release.info.last_deployed ?? '');
  if (Number.isNaN(startedAt) || Date.now() - startedAt < context.pendingStaleAfterMs) {
    throw new AppError(409, ErrorCode.OperationInProgress, [ErrorMessage.operationInProgress]);
  }
  return release;
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
    const previous = await record.decode();
    await context.store.update({ ...previous, info: { ...previous.info, status: 'superseded' } });
  }
  await context.store.update(next);
}
