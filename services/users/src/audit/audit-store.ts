import type { AuditEvent, AuditEventTypeName } from '@platform/contracts';

/** What one user may ask of their events; every field narrows. */
export interface AuditFilter {
  userId: number;
  type?: AuditEventTypeName | undefined;
  release?: string | undefined;
  namespace?: string | undefined;
  context?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

/** A position in the newest-first order: events strictly older than this one come next. */
export interface AuditPosition {
  time: Date;
  id: string;
}

/** The audit store. An event is kept once whatever how often it is delivered: its id is the key. */
export interface AuditStore {
  /** True when stored now, false when it was there already. */
  insert(event: AuditEvent): Promise<boolean>;
  /** Up to `limit` matching events after `after`, newest first (time, then id). */
  find(filter: AuditFilter, after: AuditPosition | null, limit: number): Promise<AuditEvent[]>;
  /** Removes events older than `cutoff`; how many. */
  deleteOlderThan(cutoff: Date): Promise<number>;
}
