import { availableParallelism } from 'node:os';
// The users service's own hasher: the bound is the cost of exactly the hash a login verifies.
import { PasswordHasher } from '@platform/users';
import type { Platform } from '../../test/support/platform.js';
import { benchPassword, type BenchUser } from '../support/bench-users.js';
import { load } from '../support/load.js';
import { round, type Section } from '../support/report.js';
import { median, sideBySide, timeMs } from '../support/stats.js';

export interface LoginBenchOptions {
  bcryptCost: number;
  rounds: number;
  seconds: number;
}

/**
 * Logins per second through the gateway against the most bcrypt allows on this machine: every login
 * verifies one hash, so with `cores` cores at most cores / (time of one hash) logins fit in a second.
 * Each round measures both, so the bound is the machine's as loaded at that time.
 */
export async function measureLogin(platform: Platform, users: BenchUser[], options: LoginBenchOptions): Promise<Section> {
  const cores = availableParallelism();
  const hasher = new PasswordHasher(options.bcryptCost);
  const bodies = users.map((user) => JSON.stringify({ email: user.email, password: benchPassword }));
  // Twice as many logins in flight as cores keeps bcrypt busy on every core, and few enough that the logins
  // cut off at the end of a round (not counted) weigh little.
  const loginLoad = () => load({ url: `${platform.gatewayUrl}/api/login`, method: 'POST', bodies, connections: 2 * cores, durationSeconds: options.seconds });

  await loginLoad();
  const results = await sideBySide(options.rounds, {
    logins: async () => (await loginLoad()).perSecond,
    hashMs: () => oneHashMs(hasher),
    hashesPerSecond: () => hashesPerSecond(hasher, cores),
  });
  const loginsPerSecond = median(results.logins);
  const hashMs = median(results.hashMs);
  const bound = cores / (hashMs / 1000);
  return {
    title: `login (bcrypt cost ${options.bcryptCost}, ${cores} cores)`,
    figures: [{ name: 'login_efficiency', value: loginsPerSecond / bound, unit: '', goal: { atLeast: 0.8 } }],
    details: [
      `logins through the gateway: ${round(loginsPerSecond, 1)}/s (median of ${options.rounds} rounds of ${options.seconds} s: ${results.logins.map((value) => round(value, 1)).join(', ')})`,
      `one bcrypt hash: ${round(hashMs, 1)} ms (medians: ${results.hashMs.map((value) => round(value, 1)).join(', ')}) -> bound ${round(bound, 1)} logins/s`,
      // Not part of the figure: what the machine, shared as it is, actually gave bcrypt alone at that time.
      `${cores} hashes at a time, nothing else of ours running: ${round(median(results.hashesPerSecond), 1)}/s (${results.hashesPerSecond.map((value) => round(value, 1)).join(', ')})`,
    ],
  };
}

/** One hash at a time (several at once would share the cores): the median of five. */
async function oneHashMs(hasher: PasswordHasher): Promise<number> {
  const times: number[] = [];
  for (let index = 0; index < 5; index += 1) times.push(await timeMs(() => hasher.hash(benchPassword)));
  return median(times);
}

/** Hashes per second with `parallel` hashes always in flight, over two seconds. */
async function hashesPerSecond(hasher: PasswordHasher, parallel: number): Promise<number> {
  let hashes = 0;
  const elapsedMs = await timeMs(async () => {
    const end = Date.now() + 2_000;
    const hashUntilEnd = async () => {
      while (Date.now() < end) {
        await hasher.hash(benchPassword);
        hashes += 1;
      }
    };
    await Promise.all(Array.from({ length: parallel }, hashUntilEnd));
  });
  return hashes / (elapsedMs / 1000);
}
