import { AppError } from '@platform/service-kit';
import { ErrorCode } from '@platform/contracts';

/** Seconds a refused caller is told to wait: about one helm run. */
const retryAfterSeconds = 10;

/**
 * Bounds on concurrent helm processes, for the service and for each user: each is a process of tens to
 * hundreds of MB. A run beyond a bound is refused at once (never queued): 429 when the user has theirs
 * running, 503 when the service is full; both with Retry-After.
 */
export class HelmSlots {
  private running = 0;
  private readonly perUser = new Map<number, number>();

  constructor(
    private readonly max: number,
    private readonly maxPerUser: number,
  ) {}

  /** Takes a slot for `user`; call the returned function once the process has ended. */
  acquire(user: number): () => void {
    const mine = this.perUser.get(user) ?? 0;
    const headers = { 'retry-after': String(retryAfterSeconds) };
    if (mine >= this.maxPerUser) {
      throw new AppError(429, ErrorCode.TooManyRequests, [`too many helm operations of this user at once (at most ${this.maxPerUser}), try again later`], {
        headers,
      });
    }
    if (this.running >= this.max) throw new AppError(503, ErrorCode.Unavailable, ['too many helm operations at once, try again later'], { headers });
    this.running += 1;
    this.perUser.set(user, mine + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running -= 1;
      const left = (this.perUser.get(user) ?? 1) - 1;
      if (left === 0) this.perUser.delete(user);
      else this.perUser.set(user, left);
    };
  }

  get size(): number {
    return this.running;
  }
}
