import { AppError } from '@platform/service-kit';
import { Schema, type Connection, type Model } from 'mongoose';
import { RepositoryNameTakenError, type ChartRepositoryStore, type StoredChartRepository } from '../domain/chart-repositories.js';
import type { EncryptedKubeconfig } from '../domain/kubeconfig-cipher.js';
import { databaseFailure, isDuplicateKey, read, write } from './database-failures.js';

/** `_id` is `<userId>/<name>`: one repository of a name per user, without a compound unique index. */
interface ChartRepositoryDocument extends StoredChartRepository {
  _id: string;
}

const sealedSchema = new Schema<EncryptedKubeconfig>({ keyId: String, iv: String, tag: String, ciphertext: String }, { _id: false });
const chartRepositorySchema = new Schema<ChartRepositoryDocument>(
  {
    _id: String,
    userId: { type: Number, required: true, index: true },
    name: { type: String, required: true },
    url: { type: String, required: true },
    plainHttp: { type: Boolean, default: false },
    credentials: { type: sealedSchema, default: null },
    createdAt: { type: String, required: true },
  },
  { collection: 'chartRepositories', versionKey: false, autoIndex: false },
);

/** Chart repositories in MongoDB (FerretDB-compatible), with the users' database failure rules (503 or 500). */
export class MongoChartRepositoryStore implements ChartRepositoryStore {
  private constructor(private readonly repositories: Model<ChartRepositoryDocument>) {}

  static async open(connection: Connection): Promise<MongoChartRepositoryStore> {
    const repositories = connection.model<ChartRepositoryDocument>('ChartRepository', chartRepositorySchema);
    await repositories.createIndexes();
    return new MongoChartRepositoryStore(repositories);
  }

  async insert(repository: StoredChartRepository): Promise<void> {
    try {
      await this.repositories.create({ _id: `${repository.userId}/${repository.name}`, ...repository });
    } catch (error) {
      if (isDuplicateKey(error)) throw new RepositoryNameTakenError(repository.name, { cause: error });
      throw databaseFailure(error, AppError.dataWrite);
    }
  }

  async list(userId: number): Promise<StoredChartRepository[]> {
    const documents = await read(() => this.repositories.find({ userId }).sort({ name: 1 }).lean().exec());
    return documents.map(({ userId: owner, name, url, plainHttp, credentials, createdAt }) => ({
      userId: owner,
      name,
      url,
      plainHttp: plainHttp ?? false,
      credentials: credentials ?? null,
      createdAt,
    }));
  }

  count(userId: number): Promise<number> {
    return read(() => this.repositories.countDocuments({ userId }).exec());
  }

  async remove(userId: number, name: string): Promise<boolean> {
    const result = await write(() => this.repositories.deleteOne({ _id: `${userId}/${name}` }).exec());
    return result.deletedCount === 1;
  }

  async removeAll(userId: number): Promise<void> {
    await write(() => this.repositories.deleteMany({ userId }).exec());
  }
}
