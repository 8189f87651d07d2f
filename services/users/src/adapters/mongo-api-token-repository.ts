import type { ApiTokenScope } from '@platform/contracts';
import { Schema, type Connection, type Model } from 'mongoose';
import type { ApiTokenRepository, StoredApiToken } from '../domain/api-token-repository.js';
import { read, write } from './database-failures.js';

interface ApiTokenDocument {
  _id: string;
  userId: number;
  name: string;
  hash: string;
  scope: ApiTokenScope;
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
}

const scopeSchema = new Schema<ApiTokenScope>(
  {
    access: { type: String, required: true },
    contexts: { type: [String], default: undefined },
    namespaces: { type: [String], default: undefined },
    releases: { type: [String], default: undefined },
  },
  { _id: false },
);
const apiTokenSchema = new Schema<ApiTokenDocument>(
  {
    _id: String,
    userId: { type: Number, required: true, index: true },
    name: { type: String, required: true },
    hash: { type: String, required: true },
    scope: { type: scopeSchema, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    lastUsedAt: { type: Date, default: null },
  },
  { collection: 'api_tokens', versionKey: false, autoIndex: false },
);

/** API tokens in their own collection, by id, with an index on the user (FerretDB-compatible, like the users). */
export class MongoApiTokenRepository implements ApiTokenRepository {
  private constructor(private readonly tokens: Model<ApiTokenDocument>) {}

  static async open(connection: Connection): Promise<MongoApiTokenRepository> {
    const tokens = connection.model<ApiTokenDocument>('ApiToken', apiTokenSchema);
    await tokens.createIndexes();
    return new MongoApiTokenRepository(tokens);
  }

  async insert(token: StoredApiToken): Promise<void> {
    const { id, ...rest } = token;
    await write(() => this.tokens.create({ _id: id, ...rest }));
  }

  async findById(id: string): Promise<StoredApiToken | null> {
    const document = await read(() => this.tokens.findOne({ _id: id }).lean().exec());
    return document ? toStored(document) : null;
  }

  async listOfUser(userId: number): Promise<StoredApiToken[]> {
    const documents = await read(() => this.tokens.find({ userId }).sort({ createdAt: 1, _id: 1 }).lean().exec());
    return documents.map(toStored);
  }

  async delete(userId: number, id: string): Promise<boolean> {
    const result = await write(() => this.tokens.deleteOne({ _id: id, userId }).exec());
    return result.deletedCount === 1;
  }

  async deleteAllOfUser(userId: number): Promise<void> {
    await write(() => this.tokens.deleteMany({ userId }).exec());
  }

  async deleteExpiredOfUser(userId: number, now: Date): Promise<void> {
    await write(() => this.tokens.deleteMany({ userId, expiresAt: { $lte: now } }).exec());
  }

  async markUsed(id: string, at: Date, notBefore: Date): Promise<void> {
    await write(() => this.tokens.updateOne({ _id: id, $or: [{ lastUsedAt: null }, { lastUsedAt: { $lt: notBefore } }] }, { $set: { lastUsedAt: at } }).exec());
  }
}

function toStored(document: ApiTokenDocument): StoredApiToken {
  const { _id, scope, ...rest } = document;
  // Lists absent in the stored scope stay absent (mongoose would otherwise hand back empty arrays).
  const limits = Object.fromEntries(Object.entries(scope).filter(([key, value]) => key !== 'access' && Array.isArray(value) && value.length > 0));
  return { id: _id, ...rest, scope: { access: scope.access, ...limits }, lastUsedAt: rest.lastUsedAt ?? null };
}
