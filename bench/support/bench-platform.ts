import { startPlatform, type Platform } from '../../test/support/platform.js';

/**
 * The integration suites' platform (the three compiled services as processes, on free ports, in their own
 * database, Redis prefix and NATS scope), tuned for load: services log warnings only, so that a log line per
 * request piped into this process does not compete for the cores being measured; sessions expire within the hour.
 * Every login and sign-up comes from 127.0.0.1, so the gateway's throttles are lifted: the login benchmark
 * measures bcrypt-bound throughput, not the throttle (whose tests are the gateway's own).
 */
const unthrottled = 1_000_000;

export function startBenchPlatform(bcryptCost: number): Promise<Platform> {
  const quiet = { LOG_LEVEL: 'warn' };
  return startPlatform({
    extraEnv: {
      users: { ...quiet, BCRYPT_COST: String(bcryptCost) },
      releases: quiet,
      gateway: {
        ...quiet,
        SESSION_TTL_SECONDS: '3600',
        LOGIN_MAX_ATTEMPTS_PER_EMAIL_AND_ADDRESS: String(unthrottled),
        LOGIN_MAX_ATTEMPTS_PER_EMAIL: String(unthrottled),
        LOGIN_MAX_ATTEMPTS_PER_ADDRESS: String(unthrottled),
        PASSWORD_WORK_MAX_PER_ADDRESS: String(unthrottled),
      },
    },
  });
}
