import { randomBytes } from 'node:crypto';
import { z } from '@platform/contracts';
import type { Redis } from 'ioredis';
import { failOnCommandError, redisCommand } from './redis-client.js';

export interface Session {
  userId: number;
  /** Milliseconds since the epoch. */
  createdAt: number;
}

/** What the routes need of sessions; RedisSessionStore is the one implementation. */
export interface SessionStore {
  /** Starts a session for the user and returns its new id. */
  create(userId: number): Promise<string>;
  /** The session behind `id` (restarting its idle expiry), or null when there is none. */
  find(id: string): Promise<Session | null>;
  delete(id: string): Promise<void>;
  /** Ends every session of the user (logout everywhere, deleted user). */
  deleteAllOfUser(userId: number): Promise<void>;
}

const StoredSession = z.object({ userId: z.number().int().positive(), createdAt: z.number().int() });

/** 32 random bytes, base64url: 43 characters. Anything else is not one of our ids. */
const sessionIdPattern = /^[A-Za-z0-9_-]{43}$/;

export interface RedisSessionStoreOptions {
  keyPrefix: string;
  ttlSeconds: number;
}

/**
 * Sessions as `<prefix>session:<id>` → JSON, with a sliding expiry, and `<prefix>user-sessions:<userId>`,
 * the set of a user's session ids, so that all of them can be ended at once. Every Redis failure is
 * a 503 "session store unavailable".
 */
export class RedisSessionStore implements SessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly options: RedisSessionStoreOptions,
  ) {}

  async create(userId: number): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    const session: Session = { userId, createdAt: Date.now() };
    await this.run(() =>
      this.redis
        .multi()
        .set(this.sessionKey(id), JSON.stringify(session), 'EX', this.options.ttlSeconds)
        .sadd(this.userKey(userId), id)
        .expire(this.userKey(userId), this.options.ttlSeconds)
        .exec()
        .then(failOnCommandError),
    );
    return id;
  }

  async find(id: string): Promise<Session | null> {
    if (!sessionIdPattern.test(id)) return null;
    const raw = await this.run(() => this.redis.getex(this.sessionKey(id), 'EX', this.options.ttlSeconds));
    if (raw === null) return null;
    const parsed = StoredSession.safeParse(safeJson(raw));
    if (!parsed.success) return null;
    // The index must live as long as the user's longest-lived session.
    await this.run(() => this.redis.expire(this.userKey(parsed.data.userId), this.options.ttlSeconds));
    return parsed.data;
  }

  async delete(id: string): Promise<void> {
    if (!sessionIdPattern.test(id)) return;
    const raw = await this.run(() => this.redis.getdel(this.sessionKey(id)));
    const parsed = raw === null ? null : StoredSession.safeParse(safeJson(raw));
    if (parsed?.success) await this.run(() => this.redis.srem(this.userKey(parsed.data.userId), id));
  }

  async deleteAllOfUser(userId: number): Promise<void> {
    const ids = await this.run(() => this.redis.smembers(this.userKey(userId)));
    await this.run(() =>
      this.redis
        .del(this.userKey(userId), ...ids.map((id) => this.sessionKey(id)))
        .then(() => undefined),
    );
  }

  private sessionKey(id: string): string {
    return `${this.options.keyPrefix}session:${id}`;
  }

  private userKey(userId: number): string {
    return `${this.options.keyPrefix}user-sessions:${userId}`;
  }

  private run<T>(command: () => Promise<T>): Promise<T> {
    return redisCommand(command);
  }
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}
