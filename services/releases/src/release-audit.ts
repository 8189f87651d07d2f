import { auditOriginOf, valuesDigest, type AuditRecorder } from '@platform/audit';
import { auditReleaseSubject, ErrorCode, ErrorMessage, type AuditEventTypeName, type ReleaseTarget } from '@platform/contracts';
import { AppError, requireUser } from '@platform/service-kit';
import type { FastifyRequest } from 'fastify';
import type { ReleaseAccess } from './release-access.js';

/** A release operation to audit: what, on which release, with which values text (hashed, never kept). */
export interface AuditedReleaseOperation {
  type: AuditEventTypeName;
  target: ReleaseTarget;
  name: string;
  valuesText?: string | undefined;
}

interface ReleaseState {
  namespace: string;
  revision: number;
  chartVersion: string;
}

/**
 * Leaves one audit event per release operation that ran (install, upgrade, rollback, uninstall; never a dry
 * run, which changes nothing): its outcome, the latest revision and chart version before and after, read
 * from the release's storage, and the values' SHA-256. The event is on disk before the answer leaves, so an
 * operation whose outcome the client learns has its event, even while NATS is away.
 */
export class ReleaseAudit {
  constructor(
    private readonly access: ReleaseAccess,
    private readonly recorder: AuditRecorder,
  ) {}

  async around<T>(request: FastifyRequest, operation: AuditedReleaseOperation, run: () => Promise<T>): Promise<T> {
    const userId = requireUser(request);
    let before: ReleaseState | null = null;
    let storageRead = false;
    let failure: { error: unknown } | null = null;
    let result: T | undefined;
    try {
      before = await this.state(userId, operation);
      storageRead = true;
      result = await run();
    } catch (error) {
      failure = { error };
    }
    // Storage that could not be reached before the operation is not asked again: each ask would wait out
    // the same outage (the users service's database, the cluster) once more before the client hears of it.
    const after = storageRead ? await this.state(userId, operation).catch(() => null) : null;
    const { target, name } = operation;
    const namespace = after?.namespace ?? before?.namespace ?? target.namespace;
    await this.recorder.record({
      type: operation.type,
      subject: auditReleaseSubject({ context: target.context, namespace, name }),
      data: {
        ...auditOriginOf(request),
        outcome: failure ? 'failure' : 'success',
        ...(failure ? { error: errorOf(failure.error) } : {}),
        release: {
          context: target.context,
          namespace,
          name,
          storage: target.storage,
          revisionBefore: before?.revision ?? null,
          revisionAfter: after?.revision ?? null,
          chartVersionBefore: before?.chartVersion ?? null,
          chartVersionAfter: after?.chartVersion ?? null,
          valuesSha256: valuesDigest(operation.valuesText),
        },
      },
    });
    if (failure) throw failure.error;
    return result as T;
  }

  /**
   * The latest revision, or null when there is none or it cannot be read (the event says what is known).
   * An unreachable dependency (502/503/504) is thrown: the operation would wait for it and fail the same way.
   */
  private async state(userId: number, { target, name }: AuditedReleaseOperation): Promise<ReleaseState | null> {
    try {
      const { store, namespace } = await this.access.releaseStore(userId, target, name);
      const last = await store.last(namespace, name);
      const release = await last.decode();
      return { namespace: last.namespace, revision: last.version, chartVersion: release.chart.metadata.version };
    } catch (error) {
      if (error instanceof AppError && [502, 503, 504].includes(error.status)) throw error;
      return null;
    }
  }
}

/** The answer the client gets, as the error handler renders it: AppErrors as they are, anything else a 500. */
function errorOf(error: unknown): { status: number; code: number; message: string } {
  if (error instanceof AppError) return { status: error.status, code: error.code, message: (error.errors[0] ?? '').slice(0, 500) };
  return { status: 500, code: ErrorCode.Internal, message: ErrorMessage.internal };
}
