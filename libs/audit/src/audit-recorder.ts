import type { AuditEvent, ServiceName } from '@platform/contracts';
import { newAuditEvent, type AuditDraft } from './audit-event.js';
import type { AuditRelay } from './audit-relay.js';

/** What a service's code calls to leave an audit event: one line per operation. */
export interface AuditRecorder {
  /** Resolves once the event is durable (on disk or in the database); publishing follows in the background. */
  record(draft: AuditDraft): Promise<void>;
}

/** An outbox events can be added to: the file spool, or the users service's collection. */
export interface WritableAuditOutbox {
  /** Resolves once the event is durable. */
  add(event: AuditEvent): Promise<void>;
}

/** Records into an outbox and wakes the relay, so the event leaves at once when NATS is up. */
export function outboxRecorder(source: ServiceName, outbox: WritableAuditOutbox, relay: Pick<AuditRelay, 'kick'>): AuditRecorder {
  return {
    async record(draft) {
      await outbox.add(newAuditEvent(source, draft));
      relay.kick();
    },
  };
}
