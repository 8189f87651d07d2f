import type { Redis } from 'ioredis';
import { failOnCommandError, redisCommand } from '../sessions/redis-client.js';

/** Whether an attempt may go ahead; when not, how long until the window that blocks it ends. */
export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface LoginThrottleOptions {
  keyPrefix: string;
  maxPerEmail: number;
  maxPerAddress: number;
  windowSeconds: number;
}

/** One login attempt's keys: the lower-cased email and the client's address. */
export interface LoginAttempt {
  email: string;
  address: string;
}

/**
 * Failed logins counted per email (against guessing one account's password) and per client address
 * (against trying many accounts), in fixed windows kept in Redis so every gateway replica sees them.
 */
export class LoginThrottle {
  constructor(
    private readonly redis: Redis,
    private readonly options: LoginThrottleOptions,
  ) {}

  /** Refuses the attempt when either counter is at its limit. */
  async check(attempt: LoginAttempt): Promise<ThrottleVerdict> {
    const [emailKey, addressKey] = this.keys(attempt);
    const [emailCount, addressCount] = await this.run(() => this.redis.mget(emailKey, addressKey));
    const blockedKeys = [
      Number(emailCount ?? 0) >= this.options.maxPerEmail ? emailKey : null,
      Number(addressCount ?? 0) >= this.options.maxPerAddress ? addressKey : null,
    ].filter((key): key is string => key !== null);
    if (blockedKeys.length === 0) return { allowed: true };
    const ttls = await this.run(() => Promise.all(blockedKeys.map((key) => this.redis.ttl(key))));
    return { allowed: false, retryAfterSeconds: Math.max(1, ...ttls) };
  }

  async recordFailure(attempt: LoginAttempt): Promise<void> {
    const window = this.options.windowSeconds;
    const transaction = this.redis.multi();
    // NX: the window starts with the first failure and is not pushed back by later ones.
    for (const key of this.keys(attempt)) transaction.incr(key).expire(key, window, 'NX');
    await this.run(() => transaction.exec().then(failOnCommandError));
  }

  /** A successful login forgives the email's failures (not the address's: it may be trying many). */
  async recordSuccess(attempt: LoginAttempt): Promise<void> {
    const [emailKey] = this.keys(attempt);
    await this.run(() => this.redis.del(emailKey));
  }

  private keys(attempt: LoginAttempt): [string, string] {
    const prefix = `${this.options.keyPrefix}login-failures:`;
    return [`${prefix}email:${attempt.email.toLowerCase()}`, `${prefix}address:${attempt.address}`];
  }

  private run<T>(command: () => Promise<T>): Promise<T> {
    return redisCommand(command);
  }
}
