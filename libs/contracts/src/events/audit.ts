import { z } from 'zod';

/**
 * Audit events: one per state-changing operation, as a CloudEvents 1.0 structured JSON document. The type
 * names the operation and `data.outcome` whether it happened, so a failed upgrade and a refused login are
 * events of their operation's type. Nothing secret is ever carried: no password, kubeconfig, token or
 * values text (a release's values are named by their SHA-256 only).
 */
export const AuditEventType = {
  signedUp: 'platform.user.signed-up',
  loggedIn: 'platform.user.logged-in',
  loggedOut: 'platform.user.logged-out',
  kubeconfigChanged: 'platform.user.kubeconfig-changed',
  contextsChanged: 'platform.user.contexts-changed',
  userDeleted: 'platform.user.deleted',
  releaseInstalled: 'platform.release.installed',
  releaseUpgraded: 'platform.release.upgraded',
  releaseRolledBack: 'platform.release.rolled-back',
  releaseUninstalled: 'platform.release.uninstalled',
  repositoryAdded: 'platform.repository.added',
  repositoryUpdated: 'platform.repository.updated',
  repositoryRemoved: 'platform.repository.removed',
  tokenCreated: 'platform.token.created',
  tokenRevoked: 'platform.token.revoked',
} as const;
const auditEventTypes = Object.values(AuditEventType) as [AuditEventTypeName, ...AuditEventTypeName[]];
export type AuditEventTypeName = (typeof AuditEventType)[keyof typeof AuditEventType];
export const AuditEventTypeSchema = z.enum(auditEventTypes);

/** Who acted: the user, and the credential used (a session, or an API token), when there was one. */
export const AuditActor = z.object({
  /** Null only where no user is known: a login with an unknown email. */
  userId: z.number().int().positive().nullable(),
  sessionId: z.string().min(1).max(128).optional(),
  tokenId: z.string().min(1).max(128).optional(),
});
export type AuditActor = z.infer<typeof AuditActor>;

export const AuditOutcome = z.enum(['success', 'failure']);
export type AuditOutcome = z.infer<typeof AuditOutcome>;

/** What a failed operation was answered: the contract's status and code, and its first message. */
export const AuditError = z.object({ status: z.number().int(), code: z.number().int(), message: z.string().max(500) });

/** A release operation: where, which revisions and chart versions before and after, and which values (by hash). */
export const AuditRelease = z.object({
  context: z.string(),
  namespace: z.string(),
  name: z.string(),
  storage: z.string(),
  revisionBefore: z.number().int().nonnegative().nullable(),
  revisionAfter: z.number().int().nonnegative().nullable(),
  chartVersionBefore: z.string().nullable(),
  chartVersionAfter: z.string().nullable(),
  /** Hex SHA-256 of the values text the user sent; null when none was sent. */
  valuesSha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable(),
});
export type AuditRelease = z.infer<typeof AuditRelease>;

/** Short, non-secret facts of an operation (an email, a token's or repository's name, the allowed contexts). */
export const AuditDetails = z.record(
  z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,63}$/),
  z.union([z.string().max(2048), z.number(), z.boolean(), z.array(z.string().max(256)).max(1000)]),
);

export const AuditEventData = z.object({
  actor: AuditActor,
  /** The client's address as the gateway saw it (TRUST_PROXY applied); null for work without a client. */
  clientAddress: z.string().max(64).nullable(),
  requestId: z.string().max(128).nullable(),
  outcome: AuditOutcome,
  error: AuditError.optional(),
  release: AuditRelease.optional(),
  details: AuditDetails.optional(),
});
export type AuditEventData = z.infer<typeof AuditEventData>;

export const AuditEvent = z.object({
  specversion: z.literal('1.0'),
  id: z.string().uuid(),
  /** URI reference of the emitting service: `/platform/gateway`, `/platform/users`, `/platform/releases`. */
  source: z.string().min(1),
  type: AuditEventTypeSchema,
  time: z.string().datetime(),
  /** What was acted on: `users/12`, `releases/<context>/<namespace>/<name>`, `tokens/<id>`, `repositories/<name>`. */
  subject: z.string().min(1).max(1024),
  datacontenttype: z.literal('application/json'),
  data: AuditEventData,
});
export type AuditEvent = z.infer<typeof AuditEvent>;

/** JetStream stream of audit events: a buffer between emitters and the audit store, not the store itself. */
export const AuditEventsStream = {
  name: 'AUDIT_EVENTS',
  subjects: ['audit.>'],
  /** The store normally takes events within seconds; a week covers a long outage of it. */
  maxAgeMs: 7 * 24 * 60 * 60 * 1000,
  /** Within this window a repeated event id (a publish whose ack was lost) is stored once; the store's unique id covers the rest. */
  duplicateWindowMs: 10 * 60 * 1000,
} as const;

/** Durable consumer of the audit store: its replicas share it, so each event is stored by one of them. */
export const AuditEventsConsumer = { store: 'audit-store' } as const;

/** `platform.release.upgraded` is published on `audit.release.upgraded`. */
export const subjectOfAuditEvent = (event: Pick<AuditEvent, 'type'>): string => `audit.${event.type.replace(/^platform\./, '')}`;

/** Subjects of audit events: the `subject` attribute of a release operation. */
export const auditReleaseSubject = (release: Pick<AuditRelease, 'context' | 'namespace' | 'name'>): string =>
  `releases/${release.context}/${release.namespace}/${release.name}`;
export const auditUserSubject = (userId: number): string => `users/${userId}`;

/**
 * How the gateway tells services the client's address, next to the signed identity (services are reachable
 * only by signed requests, and the gateway drops every `x-platform-` header a client sends).
 */
export const AuditHeader = { clientAddress: 'x-platform-client-address' } as const;
