import { AuditEvent, type AuditEventData, type AuditEventTypeName, type ServiceName } from '@platform/contracts';
import { createHash, randomUUID } from 'node:crypto';

export interface AuditDraft {
  type: AuditEventTypeName;
  subject: string;
  data: AuditEventData;
}

/** A complete CloudEvent from a draft: a fresh id, the time now, the emitting service as source. Throws if it breaks the contract. */
export function newAuditEvent(source: ServiceName, draft: AuditDraft, now: Date = new Date()): AuditEvent {
  return AuditEvent.parse({
    specversion: '1.0',
    id: randomUUID(),
    source: `/platform/${source}`,
    type: draft.type,
    time: now.toISOString(),
    subject: draft.subject,
    datacontenttype: 'application/json',
    data: draft.data,
  });
}

/** Names values without carrying them: the hex SHA-256 of the text exactly as the user sent it. */
export function valuesDigest(text: string | undefined): string | null {
  return text === undefined || text === '' ? null : createHash('sha256').update(text, 'utf8').digest('hex');
}
