import { newAuditEvent, type AuditOrigin } from '@platform/audit';
import {
  AuditEventType,
  auditUserSubject,
  ErrorCode,
  ErrorMessage,
  contextUnusable,
  kubeconfigRefused,
  type CreateUserBody,
  type KubeContext,
  type UpdateUserBody,
  type User,
  type UserEventType,
  type UserKubeconfig,
  type UserKubeconfigVersion,
} from '@platform/contracts';
import { KubeconfigParseError, kubeconfigContexts, type KubeconfigContext } from '@platform/kubeconfig-parser';
import { AppError } from '@platform/service-kit';
import type { ChartRepositoryService } from './chart-repositories.js';
import { KeyedLock } from './keyed-lock.js';
import type { KubeconfigCipher } from './kubeconfig-cipher.js';
import type { PasswordHasher } from './passwords.js';
import { EmailTakenError, type PendingEvent, type StoredUser, type UserRepository } from './user-repository.js';

export interface UserServiceDeps {
  repository: UserRepository;
  hasher: PasswordHasher;
  cipher: KubeconfigCipher;
  /** Called after an event entered an outbox, so the relay publishes it at once. */
  onEventQueued: () => void;
  /** Ends the user's API tokens (see ApiTokens). */
  deleteApiTokensOfUser: (userId: number) => Promise<void>;
  /** A deleted user's chart repositories (and their credentials) go with them. */
  repositories: Pick<ChartRepositoryService, 'removeAllOf'>;
}

/** Optimistic writes retry this often when writers of other replicas keep moving the version. */
const maxWriteAttempts = 5;

/** The users' rules: accounts, credentials, kubeconfigs and allowed contexts. Errors are AppErrors in the contract's shape. */
export class UserService {
  /**
   * One read-modify-write of a user at a time in this process. Without it, n concurrent updates of one user
   * each read the same version and all but one lose the compare-and-set, round after round: the last needs
   * n attempts, and past maxWriteAttempts a valid PUT failed (8 at once, on a loaded machine). The version
   * check still settles races with other replicas, which are rare.
   */
  private readonly userWrites = new KeyedLock();

  constructor(private readonly deps: UserServiceDeps) {}

  async createUser(body: CreateUserBody): Promise<number> {
    const { repository, hasher } = this.deps;
    // Checked first so a taken email neither burns an id nor a bcrypt round; the unique index settles races.
    if (await repository.findByEmail(body.email)) throw emailTaken();
    const passwordHash = await hasher.hash(body.password);
    const id = await repository.nextUserId();
    try {
      await repository.insert({ id, email: body.email, passwordHash });
    } catch (error) {
      if (error instanceof EmailTakenError) throw emailTaken();
      throw error;
    }
    return id;
  }

  /** The user's id; 401 naming what was wrong. An unknown email costs as much time as a wrong password. */
  async verifyCredentials(body: CreateUserBody): Promise<number> {
    const user = await this.deps.repository.findByEmail(body.email);
    if (!user) {
      await this.deps.hasher.verifyAgainstDummy(body.password);
      throw unauthorized(ErrorMessage.emailNotRegistered);
    }
    if (!(await this.deps.hasher.verify(body.password, user.passwordHash))) throw unauthorized(ErrorMessage.incorrectPassword);
    return user.id;
  }

  async getUser(id: number): Promise<User> {
    const user = await this.liveUser(id);
    return { id: user.id, email: user.email, contexts: user.allowedContexts, rawKubeConfig: this.plaintext(user) };
  }

  async listContexts(id: number): Promise<KubeContext[]> {
    const user = await this.liveUser(id);
    const allowed = new Set(user.allowedContexts);
    return this.storedContexts(user).map((context) => ({
      name: context.name,
      server: context.server,
      cluster: context.cluster,
      user: context.user,
      selected: allowed.has(context.name),
      usable: context.usable,
      ...(context.usable ? {} : { unusableReason: context.reason }),
    }));
  }

  async userKubeconfig(id: number): Promise<UserKubeconfig> {
    const user = await this.liveUser(id);
    return {
      userId: user.id,
      kubeconfigVersion: user.kubeconfigVersion,
      rawKubeConfig: this.plaintext(user),
      allowedContexts: user.allowedContexts,
    };
  }

  async kubeconfigVersion(id: number): Promise<UserKubeconfigVersion> {
    const user = await this.liveUser(id);
    return { userId: user.id, kubeconfigVersion: user.kubeconfigVersion };
  }

  /**
   * Semantics of docs/api-decisions.md: an empty or missing kubeconfig keeps the stored one, a missing list keeps the
   * stored list, and allowed names are cut down to the contexts the kubeconfig has. Nothing changed, no event.
   * An allowed context must be one the platform can use: otherwise every release call on it would fail, so
   * the update is refused (422/601 naming the context and why) rather than stored. Returns the kubeconfig
   * version now stored, changed or not: the gateway passes it on as a floor for the user's release requests.
   */
  updateUser(id: number, body: UpdateUserBody, origin: AuditOrigin): Promise<number> {
    return this.userWrites.run(String(id), () => this.writeUpdate(id, body, origin));
  }

  private async writeUpdate(id: number, body: UpdateUserBody, origin: AuditOrigin): Promise<number> {
    const newRaw = body.rawKubeConfig ? body.rawKubeConfig : null;
    const newContexts = newRaw === null ? null : parse(newRaw);
    for (let attempt = 0; attempt < maxWriteAttempts; attempt += 1) {
      const user = await this.liveUser(id);
      const storedRaw = this.plaintext(user);
      const kubeconfigChanged = newRaw !== null && newRaw !== storedRaw;
      const contexts = newContexts ?? (storedRaw ? parse(storedRaw) : []);
      const wanted = new Set(body.allowedContexts ?? user.allowedContexts);
      const allowed = contexts.filter((context) => wanted.has(context.name));
      const allowedContexts = allowed.map((context) => context.name);
      if (!kubeconfigChanged && sameList(allowedContexts, user.allowedContexts)) return user.kubeconfigVersion;
      refuseUnusable(allowed);
      const change = kubeconfigChanged ? { kubeconfig: this.deps.cipher.encrypt(id, newRaw), allowedContexts } : { allowedContexts };
      const event = pendingEvent('kubeconfig.changed', user.kubeconfigVersion + 1);
      const audit = newAuditEvent('users', {
        type: kubeconfigChanged ? AuditEventType.kubeconfigChanged : AuditEventType.contextsChanged,
        subject: auditUserSubject(id),
        // The contexts' names, never the kubeconfig or anything of it.
        data: { ...origin, outcome: 'success', details: { allowedContexts, kubeconfigVersion: event.kubeconfigVersion } },
      });
      if (await this.deps.repository.changeKubeconfig(id, user.kubeconfigVersion, change, event, audit)) {
        this.deps.onEventQueued();
        return event.kubeconfigVersion;
      }
    }
    throw AppError.dataWrite(new Error('user kept changing concurrently'));
  }

  /** Checks the password, then deletes the user, their API tokens and chart repositories; the user.deleted event leaves through the outbox. */
  async deleteUser(id: number, password: string, origin: AuditOrigin): Promise<void> {
    const user = await this.liveUser(id);
    if (!(await this.deps.hasher.verify(password, user.passwordHash))) {
      throw new AppError(400, ErrorCode.ValidationFailed, [ErrorMessage.invalidPassword]);
    }
    // Tokens and repositories first: if that fails nothing is deleted yet and the client can ask again. A token made meanwhile
    // is refused anyway, since a token is good only while its user exists.
    await this.deps.deleteApiTokensOfUser(id);
    await this.deps.repositories.removeAllOf(id);
    const audit = newAuditEvent('users', { type: AuditEventType.userDeleted, subject: auditUserSubject(id), data: { ...origin, outcome: 'success' } });
    await this.userWrites.run(String(id), async () => {
      for (let attempt = 0; attempt < maxWriteAttempts; attempt += 1) {
        const { kubeconfigVersion: version } = await this.liveUser(id);
        if (await this.deps.repository.markDeleted(id, version, pendingEvent('user.deleted', version + 1), audit)) {
          this.deps.onEventQueued();
          return;
        }
      }
      throw AppError.dataWrite(new Error('user kept changing concurrently'));
    });
  }

  private async liveUser(id: number): Promise<StoredUser> {
    const user = await this.deps.repository.findById(id);
    if (!user) throw AppError.notFound();
    return user;
  }

  private plaintext(user: StoredUser): string {
    if (!user.kubeconfig) return '';
    try {
      return this.deps.cipher.decrypt(user.id, user.kubeconfig);
    } catch (error) {
      throw AppError.dataRead(error);
    }
  }

  private storedContexts(user: StoredUser): KubeconfigContext[] {
    const raw = this.plaintext(user);
    return raw ? parse(raw) : [];
  }
}

function parse(raw: string): KubeconfigContext[] {
  try {
    return kubeconfigContexts(raw);
  } catch (error) {
    if (error instanceof KubeconfigParseError) throw AppError.badRequest(error);
    throw error;
  }
}

function refuseUnusable(allowed: readonly KubeconfigContext[]): void {
  for (const context of allowed) {
    if (!context.usable) throw new AppError(422, ErrorCode.ValidationFailed, [kubeconfigRefused(contextUnusable(context.name, context.reason))]);
  }
}

function pendingEvent(type: UserEventType, kubeconfigVersion: number): PendingEvent {
  return { type, kubeconfigVersion, occurredAt: new Date().toISOString() };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name, index) => name === b[index]);
}

function emailTaken(): AppError {
  return new AppError(422, ErrorCode.ValidationFailed, [ErrorMessage.emailTaken]);
}

function unauthorized(message: string): AppError {
  return new AppError(401, ErrorCode.Unauthorized, [message]);
}
