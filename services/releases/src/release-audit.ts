import { auditOriginOf, valuesDigest, type AuditRecorder } from '@platform/audit';
import { auditReleaseSubject, ErrorCode, ErrorMessage, type AuditEventTypeName, type ReleaseTarget } from '@platform/contracts';
import { AppError, requireUser } from '@platform/service-kit';
import type { FastifyRequest } from 'fastify';
import type { RevisionReport, RevisionState } from './helm/actions/operation.js';
import type { PhaseTimings } from './phase-timings.js';
import type { ReleaseAccess } from './release-access.js';

/** A release operation to audit: what, on which release, with which values text (hashed, never kept). */
export interface AuditedReleaseOperation {
  type: AuditEventTypeName;
  target: ReleaseTarget;
  name: string;
  valuesText?: string | undefined;
  /**
   * The operation fills in the RevisionReport it is given, and changes nothing before it has set `before`:
   * the audit then reads storage only for what it was not told, and not before the operation runs.
   */
  reportsRevisions?: boolean;
}

/**
 * Leaves one audit event per release operation that ran (install, upgrade, rollback, uninstall; never a dry
 * run, which changes nothing): its outcome, the latest revision and chart version before and after, and the
 * values' SHA-256. Before and after come from the operation when it reports them (the upgrade reads the
 * latest revision anyway, and knows the one it wrote), else from the release's storage. The event is on disk
 * before the answer leaves, so an operation whose outcome the client learns has its event, even while NATS
 * is away.
 */
export class ReleaseAudit {
  constructor(
    private readonly access: ReleaseAccess,
    private readonly recorder: AuditRecorder,
  ) {}

  /** Runs `run` and records its event; `timings` gets the audit's own phases (its reads, the record). */
  async around<T>(
    request: FastifyRequest,
    operation: AuditedReleaseOperation,
    run: (report: RevisionReport) => Promise<T>,
    timings?: PhaseTimings,
  ): Promise<T> {
    const userId = requireUser(request);
    const read = (phase: string) => (timings ? timings.time(phase, () => this.state(userId, operation)) : this.state(userId, operation));
    const report: RevisionReport = {};
    let failure: { error: unknown } | null = null;
    let result: T | undefined;
    try {
      if (!operation.reportsRevisions) report.before = await read('audit-before');
      result = await run(report);
    } catch (error) {
      failure = { error };
    }
    // Storage that could not be reached is not asked again: each ask would wait out the same outage (the users
    // service's database, the cluster) once more before the client hears of it.
    const reachable = report.before !== undefined || (failure !== null && !isOutage(failure.error));
    let { before, after } = report;
    // An operation that failed before it read the release changed nothing: one read is before and after.
    if (before === undefined && reachable) before = after = await read('audit-before').catch(() => null);
    if (after === undefined) after = reachable ? await read('audit-after').catch(() => null) : null;
    const { target, name } = operation;
    const namespace = after?.namespace ?? before?.namespace ?? target.namespace;
    const record = () =>
      this.recorder.record({
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
    await (timings ? timings.time('audit-record', record) : record());
    if (failure) throw failure.error;
    return result as T;
  }

  /**
   * The latest revision, or null when there is none or it cannot be read (the event says what is known).
   * An unreachable dependency (502/503/504) is thrown: the operation would wait for it and fail the same way.
   */
  private async state(userId: number, { target, name }: AuditedReleaseOperation): Promise<RevisionState | null> {
    try {
      const { store, namespace } = await this.access.releaseStore(userId, target, name);
      const last = await store.last(namespace, name);
      const release = await last.decode();
      return { namespace: last.namespace, revision: last.version, chartVersion: release.chart.metadata.version };
    } catch (error) {
      if (isOutage(error)) throw error;
      return null;
    }
  }
}

/** A dependency that did not answer (502, 503, 504): asking again would wait for it again. */
function isOutage(error: unknown): boolean {
  return error instanceof AppError && [502, 503, 504].includes(error.status);
}

/** The answer the client gets, as the error handler renders it: AppErrors as they are, anything else a 500. */
function errorOf(error: unknown): { status: number; code: number; message: string } {
  if (error instanceof AppError) return { status: error.status, code: error.code, message: (error.errors[0] ?? '').slice(0, 500) };
  return { status: 500, code: ErrorCode.Internal, message: ErrorMessage.internal };
}
