import type { ServiceName } from '@platform/contracts';
import { newAuditEvent, type AuditDraft } from './audit-event.js';
import type { AuditRelay } from './audit-relay.js';
import type { FileAuditSpool } from './file-spool.js';

/** What a service's code calls to leave an audit event: one line per operation. */
export interface AuditRecorder {
  /** Resolves once the event is durable (on disk or in the database); publishing follows in the background. */
  record(draft: AuditDraft): Promise<void>;
}

/** Records into a file spool and wakes the relay, so the event leaves at once when NATS is up. */
export function spoolRecorder(source: ServiceName, spool: FileAuditSpool, relay: Pick<AuditRelay, 'kick'>): AuditRecorder {
  return {
    async record(draft) {
      await spool.add(newAuditEvent(source, draft));
      relay.kick();
    },
  };
}
