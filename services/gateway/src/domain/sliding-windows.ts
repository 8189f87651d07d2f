/** A limit: at most `limit` entries in `key` over the last `windowMs` milliseconds. */
export interface SlidingWindow {
  key: string;
  limit: number;
  windowMs: number;
}

/** Whether an attempt may go ahead; when not, how long until every window that blocks it has room. */
export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Sliding-window counters shared by every gateway replica (the Redis one is adapters/redis-sliding-windows.ts). */
export interface SlidingWindows {
  /** Takes a place for `entry` (unique per attempt) in every window, or none when one of them is full. */
  reserve(windows: readonly SlidingWindow[], entry: string): Promise<ThrottleVerdict>;
  /** Gives `entry`'s place back in each of `keys`, and empties the windows `cleared`, in one round trip. */
  release(keys: readonly string[], entry: string, cleared?: readonly string[]): Promise<void>;
}
