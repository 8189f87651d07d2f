import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  ApiTokenFormat,
  ErrorCode,
  validationFailed,
  type ApiToken,
  type CreateApiTokenBody,
  type CreatedApiToken,
  type VerifiedApiToken,
} from '@platform/contracts';
import { AppError } from '@platform/service-kit';
import type { ApiTokenRepository, StoredApiToken } from './api-token-repository.js';

export interface ApiTokensDeps {
  repository: ApiTokenRepository;
  /** Whether the user still exists: a deleted user's tokens die with them, even one made during the deletion. */
  userExists: (userId: number) => Promise<boolean>;
  now?: () => Date;
}

/** Live tokens a user may hold at once: listing and the per-user cleanup stay cheap. */
const maxTokensPerUser = 50;
/** lastUsedAt is written at most this often per token. */
const lastUsedResolutionMs = 60_000;
const dayMs = 24 * 60 * 60 * 1000;

/**
 * Personal API tokens: made, listed and revoked by their user, verified for the gateway on every bearer
 * request (so a revocation holds on every gateway replica at once: none keeps a copy).
 *
 * Only a SHA-256 of each token is stored, compared in constant time. A slow password hash (bcrypt) is for
 * secrets people choose and can be guessed; a token carries 256 random bits, out of reach of any guessing,
 * and it is checked on every request, where bcrypt would cost a few hundred milliseconds of a core each time.
 */
export class ApiTokens {
  private readonly now: () => Date;

  constructor(private readonly deps: ApiTokensDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async create(userId: number, body: CreateApiTokenBody): Promise<CreatedApiToken> {
    const now = this.now();
    const expiresAt = new Date(body.expiresAt);
    if (expiresAt.getTime() <= now.getTime() || expiresAt.getTime() > now.getTime() + ApiTokenFormat.maxLifetimeDays * dayMs) {
      throw new AppError(422, ErrorCode.ValidationFailed, [validationFailed('expiresAt')]);
    }
    const { repository } = this.deps;
    await repository.deleteExpiredOfUser(userId, now);
    if ((await repository.listOfUser(userId)).length >= maxTokensPerUser) {
      throw new AppError(422, ErrorCode.ValidationFailed, [validationFailed('max')]);
    }
    const id = randomBytes(8).toString('hex');
    const token = `${ApiTokenFormat.prefix}${id}_${randomBytes(32).toString('base64url')}`;
    const stored: StoredApiToken = { id, userId, name: body.name, hash: sha256(token), scope: body.scope, createdAt: now, expiresAt, lastUsedAt: null };
    await repository.insert(stored);
    return { ...listed(stored), token };
  }

  async list(userId: number): Promise<ApiToken[]> {
    return (await this.deps.repository.listOfUser(userId)).map(listed);
  }

  /** 404/602 for an id that is not one of the user's tokens (another user's included). */
  async revoke(userId: number, id: string): Promise<void> {
    if (!(await this.deps.repository.delete(userId, id))) throw AppError.notFound();
  }

  /** The token's user and scope; 401 for anything but a live token of a live user. */
  async verify(token: string): Promise<VerifiedApiToken> {
    const match = ApiTokenFormat.pattern.exec(token);
    const stored = match ? await this.deps.repository.findById(match[1]!) : null;
    const now = this.now();
    if (!stored || !sameHash(stored.hash, sha256(token)) || stored.expiresAt.getTime() <= now.getTime() || !(await this.deps.userExists(stored.userId))) {
      throw AppError.invalidToken();
    }
    const notBefore = new Date(now.getTime() - lastUsedResolutionMs);
    if (stored.lastUsedAt === null || stored.lastUsedAt < notBefore) await this.deps.repository.markUsed(stored.id, now, notBefore);
    return { tokenId: stored.id, userId: stored.userId, scope: stored.scope, expiresAt: stored.expiresAt.toISOString() };
  }

  deleteAllOfUser(userId: number): Promise<void> {
    return this.deps.repository.deleteAllOfUser(userId);
  }
}

function listed(token: StoredApiToken): ApiToken {
  return {
    id: token.id,
    name: token.name,
    scope: token.scope,
    createdAt: token.createdAt.toISOString(),
    expiresAt: token.expiresAt.toISOString(),
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function sameHash(storedHex: string, givenHex: string): boolean {
  const stored = Buffer.from(storedHex, 'hex');
  const given = Buffer.from(givenHex, 'hex');
  return stored.length === given.length && timingSafeEqual(stored, given);
}
