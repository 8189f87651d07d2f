import { signIdentity } from '@platform/service-kit';
import type { Platform } from '../../test/support/platform.js';
import type { BenchUser } from '../support/bench-users.js';
import { load, medianLoad, type LoadOptions, type LoadResult } from '../support/load.js';
import { round, type Section } from '../support/report.js';
import { sideBySide } from '../support/stats.js';

export interface OverheadBenchOptions {
  connections: number;
  rounds: number;
  seconds: number;
}

/**
 * `GET /api/users/{id}` through the gateway (session cookie, proxy, signed identity) against the same call
 * made to the users service directly with a valid signed identity, at the same concurrency.
 */
export async function measureGatewayOverhead(platform: Platform, user: BenchUser, options: OverheadBenchOptions): Promise<Section> {
  const path = `/api/users/${user.id}`;
  const run = (url: string, headers: LoadOptions['headers']) => load({ url, headers, connections: options.connections, durationSeconds: options.seconds });
  const throughGateway = () => run(`${platform.gatewayUrl}${path}`, { cookie: `porter_session=${user.client.cookie}` });
  // Signed again every second of the run: a signature lives 10 s (IdentitySignature.maxAgeMs), a run may be longer.
  const direct = () =>
    run(`${platform.serviceUrl.users}${path}`, () =>
      signIdentity(platform.signingSecret, { kind: 'user', userId: user.id }, { audience: 'users', method: 'GET', url: path }),
    );

  await throughGateway();
  await direct();
  const results = await sideBySide(options.rounds, { gateway: throughGateway, direct });
  const gateway = medianLoad(results.gateway);
  const users = medianLoad(results.direct);
  const describe = (name: string, side: LoadResult, runs: LoadResult[]) =>
    `${name}: ${round(side.perSecond, 0)} req/s, p50 ${side.p50Ms} ms, p99 ${side.p99Ms} ms (req/s per round: ${runs.map((run) => round(run.perSecond, 0)).join(', ')})`;
  return {
    title: `gateway overhead (GET /api/users/{id}, ${options.connections} connections, ${options.rounds} rounds of ${options.seconds} s)`,
    figures: [
      { name: 'gateway_overhead_ratio', value: gateway.perSecond / users.perSecond, unit: '' },
      { name: 'gateway_p50_ms', value: gateway.p50Ms, unit: 'ms' },
      { name: 'gateway_p99_ms', value: gateway.p99Ms, unit: 'ms' },
      { name: 'users_direct_p50_ms', value: users.p50Ms, unit: 'ms' },
      { name: 'users_direct_p99_ms', value: users.p99Ms, unit: 'ms' },
    ],
    details: [describe('through the gateway', gateway, results.gateway), describe('users service directly', users, results.direct)],
  };
}
