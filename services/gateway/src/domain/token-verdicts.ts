import { createHash, timingSafeEqual } from 'node:crypto';
import { ApiTokenFormat, ApiTokenScope, type VerifiedApiToken } from '@platform/contracts';

/**
 * A users-service verdict "this token is live" kept for a short while, so that a token request need not ask
 * again. It holds the SHA-256 of the whole token, never the token: a hit needs the same secret as the check did.
 */
export interface CachedVerdict {
  hash: string;
  tokenId: string;
  userId: number;
  scope: ApiTokenScope;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

/** The id part of a well-formed token, or null. */
export function tokenIdOf(token: string): string | null {
  return ApiTokenFormat.pattern.exec(token)?.[1] ?? null;
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * What to cache for a verified token and for how long: at most `boundMs`, and never past the token's expiry.
 * Null when there is nothing to cache (no expiry given, or the token expires now).
 */
export function verdictToCache(token: string, verified: VerifiedApiToken, nowMs: number, boundMs: number): { verdict: CachedVerdict; ttlMs: number } | null {
  const expiresAt = verified.expiresAt === undefined ? Number.NaN : Date.parse(verified.expiresAt);
  if (!Number.isFinite(expiresAt)) return null;
  const ttlMs = Math.min(boundMs, expiresAt - nowMs);
  if (ttlMs <= 0) return null;
  return { verdict: { hash: tokenHash(token), tokenId: verified.tokenId, userId: verified.userId, scope: verified.scope, expiresAt }, ttlMs };
}

/**
 * The stored verdict for `token` as a verification, or null when it does not hold: not a verdict, another
 * secret under the same id (compared in constant time), another id, or expired.
 */
export function verifiedFromCache(raw: string, token: string, nowMs: number): VerifiedApiToken | null {
  const verdict = parseVerdict(raw);
  if (verdict === null || verdict.tokenId !== tokenIdOf(token) || verdict.expiresAt <= nowMs) return null;
  const stored = Buffer.from(verdict.hash, 'hex');
  const given = Buffer.from(tokenHash(token), 'hex');
  if (stored.length !== given.length || !timingSafeEqual(stored, given)) return null;
  return { tokenId: verdict.tokenId, userId: verdict.userId, scope: verdict.scope, expiresAt: new Date(verdict.expiresAt).toISOString() };
}

function parseVerdict(raw: string): CachedVerdict | null {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { hash, tokenId, userId, scope, expiresAt } = value as Record<string, unknown>;
  const parsedScope = ApiTokenScope.safeParse(scope);
  if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash) || typeof tokenId !== 'string' || !parsedScope.success) return null;
  if (typeof userId !== 'number' || !Number.isSafeInteger(userId) || userId <= 0 || typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) return null;
  return { hash, tokenId, userId, scope: parsedScope.data, expiresAt };
}
