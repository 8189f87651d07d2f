import type { AuditPage, AuditQuery } from '@platform/contracts';
import { AppError } from '@platform/service-kit';
import type { AuditPosition, AuditStore } from './audit-store.js';

/**
 * The caller's events a query asks for, one page at a time. The cursor is opaque to clients: the position of
 * the page's last event, base64url, so the next page starts strictly after it and pages never overlap,
 * even with events of the same millisecond or while new events arrive.
 */
export async function auditPage(store: AuditStore, userId: number, query: AuditQuery): Promise<AuditPage> {
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
  const from = query.from === undefined ? undefined : new Date(query.from);
  const to = query.to === undefined ? undefined : new Date(query.to);
  const found = await store.find(
    { userId, type: query.type, release: query.release, namespace: query.namespace, context: query.context, from, to },
    after,
    query.limit + 1,
  );
  const events = found.slice(0, query.limit);
  const last = events.at(-1);
  return { events, nextCursor: found.length > query.limit && last ? encodeCursor({ time: new Date(last.time), id: last.id }) : null };
}

export function encodeCursor(position: AuditPosition): string {
  return Buffer.from(JSON.stringify([position.time.toISOString(), position.id])).toString('base64url');
}

/** 400/600 for anything that is not a cursor this service made. */
export function decodeCursor(cursor: string): AuditPosition {
  try {
    const [time, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof time === 'string' && typeof id === 'string' && /^[0-9a-f-]{36}$/.test(id) && !Number.isNaN(Date.parse(time))) {
      return { time: new Date(time), id };
    }
  } catch {
    // Falls through to the refusal.
  }
  throw AppError.badRequest(new Error('bad audit cursor'));
}
