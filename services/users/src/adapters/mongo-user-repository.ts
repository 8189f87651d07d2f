import { AppError } from '@platform/service-kit';
import { Schema, type Connection, type Model } from 'mongoose';
import type { EncryptedKubeconfig } from '../domain/kubeconfig-cipher.js';
import { AuditEvent } from '@platform/contracts';
import {
  EmailTakenError,
  type KubeconfigChange,
  type PendingEvent,
  type PendingUserAudit,
  type StoredUser,
  type UserOutbox,
  type UserRepository,
} from '../domain/user-repository.js';
import { databaseFailure, isDuplicateKey, read, write } from './database-failures.js';
import { KeyedLock } from '../domain/keyed-lock.js';

interface UserDocument {
  _id: number;
  email: string;
  passwordHash: string;
  kubeconfig: EncryptedKubeconfig | null;
  allowedContexts: string[];
  kubeconfigVersion: number;
  /** A tombstone: kept (with no data) until its user.deleted event is published. */
  deleted: boolean;
  pendingEvents: PendingEvent[];
  /** Indexed, so the relay finds outboxes without scanning every user. */
  hasPendingEvents: boolean;
  /** Audit events (JSON text) of this document's changes, until JetStream stored them. */
  pendingAudit: string[];
  hasPendingAudit: boolean;
}

interface CounterDocument {
  _id: string;
  seq: number;
}

const encryptedKubeconfigSchema = new Schema<EncryptedKubeconfig>({ keyId: String, iv: String, tag: String, ciphertext: String }, { _id: false });
const pendingEventSchema = new Schema<PendingEvent>(
  { type: { type: String, required: true }, kubeconfigVersion: { type: Number, required: true }, occurredAt: { type: String, required: true } },
  { _id: false },
);
const userSchema = new Schema<UserDocument>(
  {
    _id: Number,
    email: { type: String, required: true, unique: true },
    passwordHash: { type: String, default: '' },
    kubeconfig: { type: encryptedKubeconfigSchema, default: null },
    allowedContexts: { type: [String], default: [] },
    kubeconfigVersion: { type: Number, default: 0 },
    deleted: { type: Boolean, default: false },
    pendingEvents: { type: [pendingEventSchema], default: [] },
    hasPendingEvents: { type: Boolean, default: false, index: true },
    pendingAudit: { type: [String], default: [] },
    hasPendingAudit: { type: Boolean, default: false, index: true },
  },
  { collection: 'users', versionKey: false, autoIndex: false },
);
const counterSchema = new Schema<CounterDocument>({ _id: String, seq: Number }, { collection: 'counters', versionKey: false });

const usersCounterId = 'users';
const noPendingEvents = { 'pendingEvents.0': { $exists: false } };
const noPendingAudit = { 'pendingAudit.0': { $exists: false } };

/**
 * Users in MongoDB (FerretDB-compatible: no transactions, no projections on findOneAndUpdate). Database
 * failures become the contract's 500 bodies, read or write, or 503 while the database cannot be reached.
 * Writes to one document (and to the id counter) are serialized in this process, because FerretDB on SQLite
 * does not apply an update atomically; on MongoDB that costs nothing of note, and replicas on FerretDB-SQLite
 * remain exposed (see KeyedLock).
 */
export class MongoUserRepository implements UserRepository {
  private readonly lock = new KeyedLock();

  private constructor(
    private readonly users: Model<UserDocument>,
    private readonly counters: Model<CounterDocument>,
  ) {}

  /** Binds the models to `connection` and makes sure the unique email index exists before the first write. */
  static async open(connection: Connection): Promise<MongoUserRepository> {
    const users = connection.model<UserDocument>('User', userSchema);
    const counters = connection.model<CounterDocument>('Counter', counterSchema);
    await users.createIndexes();
    return new MongoUserRepository(users, counters);
  }

  async nextUserId(): Promise<number> {
    const counter = await this.lock.run(usersCounterId, () =>
      write(() =>
        this.counters
          .findOneAndUpdate({ _id: usersCounterId }, { $inc: { seq: 1 } }, { upsert: true, new: true })
          .lean()
          .exec(),
      ),
    );
    if (!counter) throw AppError.dataWrite(new Error('user id counter was not returned'));
    return counter.seq;
  }

  async insert(user: { id: number; email: string; passwordHash: string }): Promise<void> {
    try {
      await this.users.create({ _id: user.id, email: user.email, passwordHash: user.passwordHash });
    } catch (error) {
      if (isDuplicateKey(error)) throw new EmailTakenError('email already taken', { cause: error });
      throw databaseFailure(error, AppError.dataWrite);
    }
  }

  async findById(id: number): Promise<StoredUser | null> {
    return toStoredUser(await read(() => this.users.findOne({ _id: id, deleted: false }).lean().exec()));
  }

  async exists(id: number): Promise<boolean> {
    return (await read(() => this.users.exists({ _id: id, deleted: false }).exec())) !== null;
  }

  async findByEmail(email: string): Promise<StoredUser | null> {
    return toStoredUser(await read(() => this.users.findOne({ email, deleted: false }).lean().exec()));
  }

  async changeKubeconfig(id: number, expectedVersion: number, change: KubeconfigChange, event: PendingEvent, audit: AuditEvent): Promise<boolean> {
    const result = await this.writeUser(id, () =>
      this.users
        .updateOne(
          { _id: id, deleted: false, kubeconfigVersion: expectedVersion },
          {
            $set: { ...change, kubeconfigVersion: event.kubeconfigVersion, hasPendingEvents: true, hasPendingAudit: true },
            $push: { pendingEvents: event, pendingAudit: JSON.stringify(audit) },
          },
        )
        .exec(),
    );
    return result.modifiedCount === 1;
  }

  async markDeleted(id: number, expectedVersion: number, event: PendingEvent, audit: AuditEvent): Promise<boolean> {
    const result = await this.writeUser(id, () =>
      this.users
        .updateOne(
          { _id: id, deleted: false, kubeconfigVersion: expectedVersion },
          {
            $set: {
              deleted: true,
              // Not an email, unique per id: the address can be registered again at once.
              email: `deleted:${id}`,
              passwordHash: '',
              kubeconfig: null,
              allowedContexts: [],
              kubeconfigVersion: event.kubeconfigVersion,
              hasPendingEvents: true,
              hasPendingAudit: true,
            },
            $push: { pendingEvents: event, pendingAudit: JSON.stringify(audit) },
          },
        )
        .exec(),
    );
    return result.modifiedCount === 1;
  }

  async pendingOutboxes(limit: number): Promise<UserOutbox[]> {
    const documents = await read(() => this.users.find({ hasPendingEvents: true }, { _id: 1, pendingEvents: 1 }).sort({ _id: 1 }).limit(limit).lean().exec());
    return documents.map((document) => ({ userId: document._id, events: document.pendingEvents }));
  }

  async removePublishedEvent(userId: number, event: PendingEvent): Promise<void> {
    // Pops only while the published event is still first: a relay that lost a race removes nothing.
    await this.writeUser(userId, () =>
      this.users
        .updateOne(
          { _id: userId, 'pendingEvents.0.type': event.type, 'pendingEvents.0.kubeconfigVersion': event.kubeconfigVersion },
          { $pop: { pendingEvents: -1 } },
        )
        .exec(),
    );
    await this.writeUser(userId, () => this.users.updateOne({ _id: userId, ...noPendingEvents }, { $set: { hasPendingEvents: false } }).exec());
  }

  async purgeIfDeletedAndDelivered(userId: number): Promise<void> {
    await this.writeUser(userId, () => this.users.deleteOne({ _id: userId, deleted: true, ...noPendingEvents, ...noPendingAudit }).exec());
  }

  async pendingAudit(limit: number): Promise<PendingUserAudit[]> {
    const documents = await read(() => this.users.find({ hasPendingAudit: true }, { _id: 1, pendingAudit: 1 }).sort({ _id: 1 }).limit(limit).lean().exec());
    return documents.flatMap((document) =>
      document.pendingAudit.map((stored) => ({ userId: document._id, stored, event: AuditEvent.parse(JSON.parse(stored)) })),
    );
  }

  async removePublishedAudit({ userId, stored }: PendingUserAudit): Promise<void> {
    await this.writeUser(userId, () => this.users.updateOne({ _id: userId }, { $pull: { pendingAudit: stored } }).exec());
    await this.writeUser(userId, () => this.users.updateOne({ _id: userId, ...noPendingAudit }, { $set: { hasPendingAudit: false } }).exec());
    await this.purgeIfDeletedAndDelivered(userId);
  }

  private writeUser<T>(id: number, operation: () => Promise<T>): Promise<T> {
    return this.lock.run(`user:${id}`, () => write(operation));
  }
}

function toStoredUser(document: UserDocument | null): StoredUser | null {
  if (!document) return null;
  return {
    id: document._id,
    email: document.email,
    passwordHash: document.passwordHash,
    kubeconfig: document.kubeconfig ?? null,
    allowedContexts: document.allowedContexts ?? [],
    kubeconfigVersion: document.kubeconfigVersion ?? 0,
  };
}
