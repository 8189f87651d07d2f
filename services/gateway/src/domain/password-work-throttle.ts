import { randomUUID } from 'node:crypto';
import type { SlidingWindow, SlidingWindows, ThrottleVerdict } from './sliding-windows.js';

export interface PasswordWorkLimit {
  keyPrefix: string;
  maxPerAddress: number;
  windowSeconds: number;
}

/**
 * bcrypt is the platform's one expensive step a stranger can ask for (sign-up hashes, login and account
 * deletion compare): each costs a core a few hundred milliseconds. Every such request takes a place in
 * its client address's window before it reaches the users service, and keeps it, whatever the outcome.
 */
export class PasswordWorkThrottle {
  constructor(
    private readonly windows: SlidingWindows,
    private readonly limit: PasswordWorkLimit,
  ) {}

  /** The address's window, for a caller that reserves it together with others (login). */
  window(address: string): SlidingWindow {
    return {
      key: `${this.limit.keyPrefix}password-work:address:${address}`,
      limit: this.limit.maxPerAddress,
      windowMs: this.limit.windowSeconds * 1000,
    };
  }

  take(address: string): Promise<ThrottleVerdict> {
    return this.windows.reserve([this.window(address)], randomUUID());
  }
}
