import { AuditEvent } from '@platform/contracts';
import { AppError } from '@platform/service-kit';
import { Schema, type Connection, type FilterQuery, type Model } from 'mongoose';
import type { AuditFilter, AuditPosition, AuditStore } from '../audit/audit-store.js';
import { databaseFailure, isDuplicateKey, read, write } from './database-failures.js';

/** One stored event: the CloudEvent as published, and the fields queries filter and sort on. */
interface AuditDocument {
  /** The event id: a second delivery of the same event is a duplicate key, never a second document. */
  _id: string;
  userId: number | null;
  type: string;
  time: Date;
  release: string | null;
  namespace: string | null;
  context: string | null;
  event: AuditEvent;
}

const auditSchema = new Schema<AuditDocument>(
  {
    _id: String,
    userId: { type: Number, default: null },
    type: { type: String, required: true },
    time: { type: Date, required: true },
    release: { type: String, default: null },
    namespace: { type: String, default: null },
    context: { type: String, default: null },
    event: { type: Schema.Types.Mixed, required: true },
  },
  { collection: 'audit_events', versionKey: false, autoIndex: false },
);
// A user's events newest first: every query is one user's.
auditSchema.index({ userId: 1, time: -1, _id: -1 });
// Retention deletes by time alone.
auditSchema.index({ time: 1 });

/**
 * Audit events in MongoDB (FerretDB-compatible: no TTL index there, so retention is a periodic delete by
 * time, which MongoDB runs the same way).
 */
export class MongoAuditStore implements AuditStore {
  private constructor(private readonly events: Model<AuditDocument>) {}

  static async open(connection: Connection): Promise<MongoAuditStore> {
    const events = connection.model<AuditDocument>('AuditEvent', auditSchema);
    await events.createIndexes();
    return new MongoAuditStore(events);
  }

  async insert(event: AuditEvent): Promise<boolean> {
    const release = event.data.release;
    try {
      await this.events.create({
        _id: event.id,
        userId: event.data.actor.userId,
        type: event.type,
        time: new Date(event.time),
        release: release?.name ?? null,
        namespace: release?.namespace ?? null,
        context: release?.context ?? null,
        event,
      });
      return true;
    } catch (error) {
      // Stored before (a redelivery, or another consumer): the event id is the document's _id.
      if (isDuplicateKey(error)) return false;
      throw databaseFailure(error, AppError.dataWrite);
    }
  }

  async find(filter: AuditFilter, after: AuditPosition | null, limit: number): Promise<AuditEvent[]> {
    const query: FilterQuery<AuditDocument> = { userId: filter.userId };
    if (filter.type) query.type = filter.type;
    if (filter.release) query.release = filter.release;
    if (filter.namespace) query.namespace = filter.namespace;
    if (filter.context) query.context = filter.context;
    if (filter.from || filter.to) query.time = { ...(filter.from ? { $gte: filter.from } : {}), ...(filter.to ? { $lt: filter.to } : {}) };
    if (after) query.$or = [{ time: { $lt: after.time } }, { time: after.time, _id: { $lt: after.id } }];
    const documents = await read(() => this.events.find(query, { event: 1 }).sort({ time: -1, _id: -1 }).limit(limit).lean().exec());
    return documents.map((document) => AuditEvent.parse(document.event));
  }

  async deleteOlderThan(cutoff: Date): Promise<number> {
    const result = await write(() => this.events.deleteMany({ time: { $lt: cutoff } }).exec());
    return result.deletedCount;
  }
}
