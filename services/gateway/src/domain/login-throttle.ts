import { randomUUID } from 'node:crypto';
import type { PasswordWorkThrottle } from './password-work-throttle.js';
import type { SlidingWindow, SlidingWindows, ThrottleVerdict } from './sliding-windows.js';

export interface LoginThrottleOptions {
  keyPrefix: string;
  /** One client guessing one account's password. */
  maxPerEmailAndAddress: number;
  /** Every client together guessing one account's password (many addresses). */
  maxPerEmail: number;
  /** One client trying many accounts. */
  maxPerAddress: number;
  windowSeconds: number;
}

/** One login attempt's keys: the email and the client's address. */
export interface LoginAttempt {
  email: string;
  address: string;
}

/**
 * A place taken for one attempt; say how the password check ended. A wrong password or unknown email
 * needs no call: its place stays taken until it ages out of the windows.
 */
export interface LoginTicket {
  /** The right password: this client's failures on this account are forgiven, and the attempt counts nowhere. */
  succeeded(): Promise<void>;
  /** No verdict on the password (the users service failed, the request was invalid): the place is given back. */
  undecided(): Promise<void>;
}

export type LoginAdmission = ({ allowed: true } & LoginTicket) | Extract<ThrottleVerdict, { allowed: false }>;

/**
 * Login attempts in sliding windows kept in Redis (every gateway replica sees them). The place of an attempt
 * is taken before the password is checked and atomically with the count (see RedisSlidingWindows), so a burst of
 * concurrent attempts gets exactly as many password checks as the limits leave, and the rest 429.
 *
 * Three windows, so that a guessing client cannot lock the account's owner out: the tight one is per
 * (email, address), which stops one client; per email counts all clients and is set well above it, so it
 * takes many addresses to close an account to others, and only while they keep failing (refused attempts
 * take no place, so hammering does not extend the block); per address stops one client trying many emails.
 * Every login also spends the address's password-work budget (bcrypt is the expensive part).
 */
export class LoginThrottle {
  constructor(
    private readonly windows: SlidingWindows,
    private readonly passwordWork: PasswordWorkThrottle,
    private readonly options: LoginThrottleOptions,
  ) {}

  async admit(attempt: LoginAttempt): Promise<LoginAdmission> {
    const [pair, email, address] = this.loginWindows(attempt);
    const entry = randomUUID();
    const verdict = await this.windows.reserve([pair, email, address, this.passwordWork.window(attempt.address)], entry);
    if (!verdict.allowed) return verdict;
    return {
      allowed: true,
      succeeded: () => this.windows.release([email.key, address.key], entry, [pair.key]),
      undecided: () => this.windows.release([pair.key, email.key, address.key], entry),
    };
  }

  private loginWindows(attempt: LoginAttempt): [SlidingWindow, SlidingWindow, SlidingWindow] {
    const prefix = `${this.options.keyPrefix}login:`;
    const email = attempt.email.trim().toLowerCase();
    const windowMs = this.options.windowSeconds * 1000;
    return [
      { key: `${prefix}email-address:${email}|${attempt.address}`, limit: this.options.maxPerEmailAndAddress, windowMs },
      { key: `${prefix}email:${email}`, limit: this.options.maxPerEmail, windowMs },
      { key: `${prefix}address:${attempt.address}`, limit: this.options.maxPerAddress, windowMs },
    ];
  }
}
