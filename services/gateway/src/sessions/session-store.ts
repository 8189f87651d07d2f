import { randomBytes } from 'node:crypto';
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

/** 32 random bytes, base64url: 43 characters. Anything else is not one of our ids. */
const sessionIdPattern = /^[A-Za-z0-9_-]{43}$/;

export interface RedisSessionStoreOptions {
  keyPrefix: string;
  ttlSeconds: number;
}

/** Users whose index pushes this process remembers before it forgets the stale ones. */
const rememberedIndexPushes = 10_000;

/**
 * Sessions as `<prefix>session:<id>` → JSON, with a sliding expiry, and `<prefix>user-sessions:<userId>`,
 * the set of a user's session ids, so that all of them can be ended at once. Every Redis failure is
 * a 503 "session store unavailable".
 *
 * The index must outlive every session in it. It expires `ttl + margin` after its last push, so a session
 * used within `margin` of a push this process made ends before the index does, and the push can wait:
 * most lookups take one Redis round trip instead of two.
 */
export class RedisSessionStore implements SessionStore {
  private readonly indexTtlSeconds: number;
  private readonly indexMarginMs: number;
  /** When this process last sent an index push per user (monotonic ms; taken before sending, the safe side). */
  private readonly indexPushedAt = new Map<number, number>();

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisSessionStoreOptions,
  ) {
    const marginSeconds = Math.max(1, Math.ceil(options.ttlSeconds / 10));
    this.indexTtlSeconds = options.ttlSeconds + marginSeconds;
    this.indexMarginMs = marginSeconds * 1000;
  }

  async create(userId: number): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    const session: Session = { userId, createdAt: Date.now() };
    const sentAt = performance.now();
    await this.run(() =>
      this.redis
        .multi()
        .set(this.sessionKey(id), JSON.stringify(session), 'EX', this.options.ttlSeconds)
        .sadd(this.userKey(userId), id)
        .expire(this.userKey(userId), this.indexTtlSeconds)
        .exec()
        .then(failOnCommandError),
    );
    this.rememberIndexPush(userId, sentAt);
    return id;
  }

  async find(id: string): Promise<Session | null> {
    if (!sessionIdPattern.test(id)) return null;
    const raw = await this.run(() => this.redis.getex(this.sessionKey(id), 'EX', this.options.ttlSeconds));
    if (raw === null) return null;
    const session = storedSessionOf(raw);
    if (!session) return null;
    const { userId } = session;
    const pushedAt = this.indexPushedAt.get(userId);
    const now = performance.now();
    if (pushedAt === undefined || now - pushedAt >= this.indexMarginMs) {
      await this.run(() => this.redis.expire(this.userKey(userId), this.indexTtlSeconds));
      this.rememberIndexPush(userId, now);
    }
    return session;
  }

  async delete(id: string): Promise<void> {
    if (!sessionIdPattern.test(id)) return;
    const raw = await this.run(() => this.redis.getdel(this.sessionKey(id)));
    const session = raw === null ? null : storedSessionOf(raw);
    if (session) await this.run(() => this.redis.srem(this.userKey(session.userId), id));
  }

  async deleteAllOfUser(userId: number): Promise<void> {
    const ids = await this.run(() => this.redis.smembers(this.userKey(userId)));
    await this.run(() => this.redis.del(this.userKey(userId), ...ids.map((id) => this.sessionKey(id))).then(() => undefined));
  }

  private rememberIndexPush(userId: number, sentAt: number): void {
    if (this.indexPushedAt.size >= rememberedIndexPushes) {
      for (const [user, at] of this.indexPushedAt) if (sentAt - at >= this.indexMarginMs) this.indexPushedAt.delete(user);
    }
    if (this.indexPushedAt.size < rememberedIndexPushes || this.indexPushedAt.has(userId)) this.indexPushedAt.set(userId, sentAt);
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

/**
 * The stored JSON as a Session, or null when it is not one. Checked by hand rather than with a zod schema:
 * it runs on every proxied request, and zod's parse was about 1.5% of the gateway's CPU per request.
 */
function storedSessionOf(raw: string): Session | null {
  const value = safeJson(raw);
  if (typeof value !== 'object' || value === null) return null;
  const { userId, createdAt } = value as Record<string, unknown>;
  if (typeof userId !== 'number' || !Number.isSafeInteger(userId) || userId <= 0 || typeof createdAt !== 'number' || !Number.isSafeInteger(createdAt))
    return null;
  return { userId, createdAt };
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}
