import type { Redis } from 'ioredis';
import type { SlidingWindow, SlidingWindows, ThrottleVerdict } from '../domain/sliding-windows.js';
import { failOnCommandError, redisCommand } from '../sessions/redis-client.js';

/**
 * Checks every window and, only when all have room, adds the entry to all of them, in one step on the
 * Redis server (a script runs alone): concurrent attempts cannot all see room and all go ahead. Time is
 * the Redis server's, so every gateway replica uses the same clock. Each window is a sorted set of entries
 * scored by time; entries older than the window are dropped first, so a window never holds more than its
 * limit and frees one place at a time as its oldest entry ages out. Returns 0, or the milliseconds to wait.
 */
const reserveScript = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local entry = ARGV[1]
local wait = 0
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[2 * i])
  local window = tonumber(ARGV[2 * i + 1])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local count = redis.call('ZCARD', key)
  if count >= limit then
    local freeing = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
    wait = math.max(wait, tonumber(freeing[2]) + window - now)
  end
end
if wait > 0 then return wait end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, entry)
  redis.call('PEXPIRE', key, tonumber(ARGV[2 * i + 1]))
end
return 0
`;

/** Sliding-window counters in Redis, shared by every gateway replica. Any Redis failure is 503. */
export class RedisSlidingWindows implements SlidingWindows {
  constructor(private readonly redis: Redis) {}

  /** Takes a place for `entry` (unique per attempt) in every window, or none when one of them is full. */
  async reserve(windows: readonly SlidingWindow[], entry: string): Promise<ThrottleVerdict> {
    const args = windows.flatMap((window) => [String(window.limit), String(window.windowMs)]);
    const waitMs = Number(await redisCommand(() => this.redis.eval(reserveScript, windows.length, ...windows.map((window) => window.key), entry, ...args)));
    return waitMs > 0 ? { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) } : { allowed: true };
  }

  /** Gives `entry`'s place back in each of `keys`, and empties the windows `cleared`, in one round trip. */
  async release(keys: readonly string[], entry: string, cleared: readonly string[] = []): Promise<void> {
    const transaction = this.redis.multi();
    for (const key of keys) transaction.zrem(key, entry);
    if (cleared.length > 0) transaction.del(...cleared);
    await redisCommand(() => transaction.exec().then(failOnCommandError));
  }
}
