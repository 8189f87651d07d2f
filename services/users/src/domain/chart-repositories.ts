import {
  ErrorCode,
  repositoriesPerUserMax,
  repositoryNameTaken,
  validationFailed,
  type AddRepositoryBody,
  type ChartRepository,
  type RepositoryAccess,
  type RepositoryCredentials,
} from '@platform/contracts';
import { newAuditEvent, type AuditOrigin } from '@platform/audit';
import { AuditEventType, type AuditEvent } from '@platform/contracts';
import { AppError } from '@platform/service-kit';
import type { EncryptedKubeconfig, KubeconfigCipher } from './kubeconfig-cipher.js';

/** A chart repository as stored: its credentials sealed, bound to the user and the repository's name. */
export interface StoredChartRepository {
  userId: number;
  name: string;
  url: string;
  plainHttp: boolean;
  credentials: EncryptedKubeconfig | null;
  createdAt: string;
}

export class RepositoryNameTakenError extends Error {
  override readonly name = 'RepositoryNameTakenError';
}

/** Where chart repositories live, per user and name. */
export interface ChartRepositoryStore {
  /** Throws RepositoryNameTakenError when the user has one of that name. */
  insert(repository: StoredChartRepository): Promise<void>;
  /** The user's repositories, by name. */
  list(userId: number): Promise<StoredChartRepository[]>;
  count(userId: number): Promise<number>;
  /** False when the user had none of that name. */
  remove(userId: number, name: string): Promise<boolean>;
  removeAll(userId: number): Promise<void>;
}

/** Users' chart repositories: added and removed by their owner, read with credentials only by the releases service. */
export class ChartRepositoryService {
  constructor(
    private readonly store: ChartRepositoryStore,
    private readonly cipher: KubeconfigCipher,
    /** Where repository.added and repository.removed wait for the audit relay; `kick` wakes it. */
    private readonly audit: { add(event: AuditEvent): Promise<void>; kick(): void },
  ) {}

  async add(userId: number, body: AddRepositoryBody, origin: AuditOrigin): Promise<ChartRepository> {
    // Checked before the insert, so a race of two adds can pass the bound by one: a bound, not an invariant.
    if ((await this.store.count(userId)) >= repositoriesPerUserMax) {
      throw new AppError(422, ErrorCode.ValidationFailed, [`${validationFailed('max')}: a user keeps at most ${repositoriesPerUserMax} repositories`]);
    }
    const credentials = credentialsOf(body);
    const stored: StoredChartRepository = {
      userId,
      name: body.name,
      url: body.url,
      plainHttp: body.plainHttp ?? false,
      credentials: credentials === null ? null : this.cipher.encrypt(userId, JSON.stringify(credentials), purpose(body.name)),
      createdAt: new Date().toISOString(),
    };
    try {
      await this.store.insert(stored);
    } catch (error) {
      if (error instanceof RepositoryNameTakenError) throw new AppError(409, ErrorCode.RepositoryNameTaken, [repositoryNameTaken(body.name)]);
      throw error;
    }
    await this.record(AuditEventType.repositoryAdded, stored.name, origin, { url: stored.url, hasCredentials: stored.credentials !== null });
    return shown(stored);
  }

  async list(userId: number): Promise<ChartRepository[]> {
    return (await this.store.list(userId)).map(shown);
  }

  async remove(userId: number, name: string, origin: AuditOrigin): Promise<void> {
    if (!(await this.store.remove(userId, name))) throw AppError.notFound(`repository ${name} not found`);
    await this.record(AuditEventType.repositoryRemoved, name, origin, {});
  }

  /** After the write and before the answer (see MongoAuditOutbox); never a credential, only whether there is one. */
  private async record(
    type: typeof AuditEventType.repositoryAdded | typeof AuditEventType.repositoryRemoved,
    name: string,
    origin: AuditOrigin,
    details: Record<string, string | boolean>,
  ) {
    await this.audit.add(
      newAuditEvent('users', { type, subject: `repositories/${name}`, data: { ...origin, outcome: 'success', details: { name, ...details } } }),
    );
    this.audit.kick();
  }

  /** Every repository of the user with its credentials opened: for the releases service's downloads only. */
  async withCredentials(userId: number): Promise<RepositoryAccess[]> {
    return (await this.store.list(userId)).map((repository) => ({
      name: repository.name,
      url: repository.url,
      plainHttp: repository.plainHttp,
      credentials: repository.credentials === null ? null : this.open(repository),
    }));
  }

  removeAllOf(userId: number): Promise<void> {
    return this.store.removeAll(userId);
  }

  private open(repository: StoredChartRepository): RepositoryCredentials {
    try {
      return JSON.parse(this.cipher.decrypt(repository.userId, repository.credentials!, purpose(repository.name))) as RepositoryCredentials;
    } catch (error) {
      throw AppError.dataRead(error);
    }
  }
}

function credentialsOf(body: AddRepositoryBody): RepositoryCredentials | null {
  if (body.token !== undefined) return { token: body.token };
  if (body.username !== undefined && body.password !== undefined) return { username: body.username, password: body.password };
  return null;
}

function purpose(name: string): string {
  return `repository:${name}`;
}

function shown(repository: StoredChartRepository): ChartRepository {
  return {
    name: repository.name,
    url: repository.url,
    plainHttp: repository.plainHttp,
    hasCredentials: repository.credentials !== null,
    createdAt: repository.createdAt,
  };
}
