import { startPlatform, type Platform } from '../../test/support/platform.js';

/**
 * The integration suites' platform (the three compiled services as processes, on free ports, in their own
 * database, Redis prefix and NATS scope), tuned for load: services log warnings only, so that a log line per
 * request piped into this process does not compete for the cores being measured; sessions expire within the hour.
 */
export function startBenchPlatform(bcryptCost: number): Promise<Platform> {
  const quiet = { LOG_LEVEL: 'warn' };
  return startPlatform({
    extraEnv: {
      users: { ...quiet, BCRYPT_COST: String(bcryptCost) },
      releases: quiet,
      gateway: { ...quiet, SESSION_TTL_SECONDS: '3600' },
    },
  });
}
