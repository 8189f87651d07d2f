import { AuditEvent } from '@platform/contracts';
import type { AuditOutbox, PendingAuditEvent } from '@platform/audit';
import { Schema, type Connection, type Model } from 'mongoose';
import type { UserRepository } from '../domain/user-repository.js';
import { read, write } from './database-failures.js';

interface OutboxDocument {
  _id: string;
  /** The event as JSON text, published as written. */
  event: string;
  at: Date;
}

const outboxSchema = new Schema<OutboxDocument>(
  { _id: String, event: { type: String, required: true }, at: { type: Date, required: true, index: true } },
  { collection: 'audit_outbox', versionKey: false, autoIndex: false },
);

/**
 * The users service's audit outbox. A change of a user's document carries its audit event inside the same
 * update (UserRepository), so the change and its event are stored or lost together. Other changes of
 * this service (API tokens, chart repositories) `add` their event to the `audit_outbox` collection right
 * after their own write and before answering: one write apart, which MongoDB without transactions cannot
 * make atomic, so only a crash of the process between the two loses that event.
 */
export class MongoAuditOutbox implements AuditOutbox {
  private constructor(
    private readonly outbox: Model<OutboxDocument>,
    private readonly users: UserRepository,
  ) {}

  static async open(connection: Connection, users: UserRepository): Promise<MongoAuditOutbox> {
    const outbox = connection.model<OutboxDocument>('AuditOutbox', outboxSchema);
    await outbox.createIndexes();
    return new MongoAuditOutbox(outbox, users);
  }

  async add(event: AuditEvent): Promise<void> {
    await write(() => this.outbox.create({ _id: event.id, event: JSON.stringify(event), at: new Date(event.time) }));
  }

  async pending(limit: number): Promise<PendingAuditEvent[]> {
    const inUsers = (await this.users.pendingAudit(limit)).map((pending) => ({ event: pending.event, remove: () => this.users.removePublishedAudit(pending) }));
    const documents = await read(() => this.outbox.find().sort({ at: 1 }).limit(limit).lean().exec());
    const inOutbox = documents.map((document) => ({
      event: AuditEvent.parse(JSON.parse(document.event)),
      remove: async () => {
        await write(() => this.outbox.deleteOne({ _id: document._id }).exec());
      },
    }));
    return [...inUsers, ...inOutbox].slice(0, limit);
  }
}
