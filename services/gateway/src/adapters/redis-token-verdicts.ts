import type { Redis } from 'ioredis';
import type { CachedVerdict } from '../domain/token-verdicts.js';
import { failOnCommandError, redisCommand } from '../sessions/redis-client.js';

/**
 * Token verdicts shared by every gateway replica: `<prefix>token-verdict:<tokenId>` → JSON with a short
 * expiry, and `<prefix>user-token-verdicts:<userId>`, the set of a user's cached token ids, so that deleting
 * the user removes all of them at once. Every Redis failure is thrown as 503 "session store unavailable".
 *
 * A verification in flight while its token is revoked (or its user deleted) must not store its verdict after
 * the revocation removed the old one: a revocation leaves a bar (`token-verdict-barred:<tokenId>`,
 * `user-token-verdicts-barred:<userId>`) for longer than any users-service call takes, and a verdict is
 * stored only where no bar is.
 */
export class RedisTokenVerdicts {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    /** How long a revocation bars new verdicts; longer than the users service's call timeout. */
    private readonly barMs: number,
  ) {}

  async find(tokenId: string): Promise<string | null> {
    return redisCommand(() => this.redis.get(this.verdictKey(tokenId)));
  }

  /** Stores the verdict for `ttlMs`, unless the token or its user was revoked meanwhile. */
  async store(verdict: CachedVerdict, ttlMs: number): Promise<void> {
    const keys = [this.verdictKey(verdict.tokenId), this.userKey(verdict.userId), this.tokenBarKey(verdict.tokenId), this.userBarKey(verdict.userId)];
    await redisCommand(() => this.redis.eval(storeScript, keys.length, ...keys, JSON.stringify(verdict), String(Math.ceil(ttlMs)), verdict.tokenId));
  }

  /** After a revocation: the token's verdict is gone and none is stored for a while. */
  async forgetToken(tokenId: string): Promise<void> {
    await redisCommand(() =>
      this.redis.multi().set(this.tokenBarKey(tokenId), '1', 'PX', this.barMs).del(this.verdictKey(tokenId)).exec().then(failOnCommandError),
    );
  }

  /** After the user's deletion: all their verdicts are gone and none is stored for a while. */
  async forgetUser(userId: number): Promise<void> {
    await redisCommand(() => this.redis.eval(forgetUserScript, 2, this.userKey(userId), this.userBarKey(userId), String(this.barMs), this.verdictKey('')));
  }

  private verdictKey(tokenId: string): string {
    return `${this.keyPrefix}token-verdict:${tokenId}`;
  }

  private userKey(userId: number): string {
    return `${this.keyPrefix}user-token-verdicts:${userId}`;
  }

  private tokenBarKey(tokenId: string): string {
    return `${this.keyPrefix}token-verdict-barred:${tokenId}`;
  }

  private userBarKey(userId: number): string {
    return `${this.keyPrefix}user-token-verdicts-barred:${userId}`;
  }
}

/**
 * KEYS: verdict, user's set, token bar, user bar; ARGV: verdict JSON, ttl ms, token id. The set lives as long
 * as the longest verdict in it: every verdict's ttl is at most the one it is given here.
 */
const storeScript = `
if redis.call('EXISTS', KEYS[3], KEYS[4]) > 0 then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[2], ARGV[2]) end
return 1`;

/** KEYS: user's set, user bar; ARGV: bar ms, verdict key prefix. */
const forgetUserScript = `
redis.call('SET', KEYS[2], '1', 'PX', ARGV[1])
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do redis.call('DEL', ARGV[2] .. id) end
redis.call('DEL', KEYS[1])
return 0`;
