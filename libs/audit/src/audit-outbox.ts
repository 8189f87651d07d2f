import type { AuditEvent } from '@platform/contracts';

/** An event waiting in an outbox, and how to take it out once JetStream stored it. */
export interface PendingAuditEvent {
  event: AuditEvent;
  /** Harmless when another relay removed it already. */
  remove: () => Promise<void>;
}

/** Where audit events wait, durably, until JetStream stored them: a file spool, or a service's database. */
export interface AuditOutbox {
  /** At most `limit` waiting events, oldest first. */
  pending(limit: number): Promise<PendingAuditEvent[]>;
}
