import type { VerifiedApiToken } from '@platform/contracts';
import type { RedisTokenVerdicts } from '../adapters/redis-token-verdicts.js';
import { tokenIdOf, verdictToCache, verifiedFromCache } from '../domain/token-verdicts.js';
import type { ApiTokenVerifier } from './callers.js';

/** How a token lookup in the shared cache went: the label of `gateway_token_cache_lookups_total`. */
export type TokenCacheLookup = 'hit' | 'miss' | 'unavailable';

export interface CachedTokenVerifierOptions {
  /** The longest a verdict is kept (never past the token's expiry). */
  ttlMs: number;
  countLookup: (result: TokenCacheLookup) => void;
}

/**
 * Asks the shared verdict cache first and the users service on a miss, storing only its "live" verdicts,
 * never refusals. Revocations and user deletions through any gateway remove the verdicts before the client
 * hears the answer (routes/proxy.ts, end-sessions-of-deleted-users.ts). Without Redis every token is checked
 * with the users service, as it would be without the cache: Redis failures never accept a token nor fail a request.
 */
export class CachedTokenVerifier implements ApiTokenVerifier {
  constructor(
    private readonly users: ApiTokenVerifier,
    private readonly verdicts: Pick<RedisTokenVerdicts, 'find' | 'store'>,
    private readonly options: CachedTokenVerifierOptions,
  ) {}

  async verifyApiToken(token: string, requestId: string): Promise<VerifiedApiToken | null> {
    const tokenId = tokenIdOf(token);
    if (tokenId === null) return this.users.verifyApiToken(token, requestId);
    const cached = await this.lookUp(tokenId, token);
    if (cached !== null) return cached;
    const verified = await this.users.verifyApiToken(token, requestId);
    const toCache = verified && verified.tokenId === tokenId ? verdictToCache(token, verified, Date.now(), this.options.ttlMs) : null;
    // Not stored is only a miss more: the answer is the users service's either way.
    if (toCache) await this.verdicts.store(toCache.verdict, toCache.ttlMs).catch(() => undefined);
    return verified;
  }

  private async lookUp(tokenId: string, token: string): Promise<VerifiedApiToken | null> {
    let raw: string | null;
    try {
      raw = await this.verdicts.find(tokenId);
    } catch {
      this.options.countLookup('unavailable');
      return null;
    }
    const verified = raw === null ? null : verifiedFromCache(raw, token, Date.now());
    this.options.countLookup(verified ? 'hit' : 'miss');
    return verified;
  }
}
