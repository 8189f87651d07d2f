import type { Redis } from 'ioredis';
import { redisCommand } from '../sessions/redis-client.js';

/**
 * The highest kubeconfig version each user's own writes produced (`<prefix>kubeconfig-floor:<userId>`),
 * shared by every gateway replica: a release request sends it so that no releases replica answers from an
 * older kubeconfig than the one the user was told is stored (read-your-writes, see KubeconfigVersionHeader).
 * No expiry: versions only grow, so an old floor is only a weaker one; it is removed when the user deletes themselves.
 */
export class RedisKubeconfigFloors {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
  ) {}

  /** The user's floor, 0 when none was recorded. */
  async of(userId: number): Promise<number> {
    const raw = await redisCommand(() => this.redis.get(this.key(userId)));
    const floor = Number(raw);
    return Number.isSafeInteger(floor) && floor > 0 ? floor : 0;
  }

  /** Raises the floor to `version`; a lower one (an older write answered later) leaves it as it is. */
  async raise(userId: number, version: number): Promise<void> {
    await redisCommand(() => this.redis.eval(raiseScript, 1, this.key(userId), String(version)));
  }

  async forget(userId: number): Promise<void> {
    await redisCommand(() => this.redis.del(this.key(userId)));
  }

  private key(userId: number): string {
    return `${this.keyPrefix}kubeconfig-floor:${userId}`;
  }
}

/** Atomic max: two writes of one user answered out of order must not lower the floor. */
const raiseScript = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > current then redis.call('SET', KEYS[1], ARGV[1]) end
return 0`;
