import { signIdentity } from '@platform/service-kit';
import type { Platform } from '../../test/support/platform.js';
import type { BenchUser } from '../support/bench-users.js';
import { cpuSeconds, openLoop, quantile, type OpenLoopOptions } from '../support/open-loop.js';
import { round, type Section } from '../support/report.js';
import { median, sideBySide } from '../support/stats.js';

export interface GatewayCostOptions {
  ratePerSecond: number;
  rounds: number;
  seconds: number;
}

/**
 * What the gateway costs a proxied request, measured so that the machine's load weighs little: its own CPU
 * time per request (from /proc, over an open-loop run through it) and the latency it adds, p50 and p99 of
 * `GET /api/users/{id}` through the gateway minus the same call made to the users service directly with a
 * signed identity, both sent at the same fixed rate, far below what the two cores can serve.
 */
export async function measureGatewayCost(platform: Platform, user: BenchUser, options: GatewayCostOptions): Promise<Section> {
  const path = `/api/users/${user.id}`;
  const gatewayPid = platform.pid('gateway');
  if (gatewayPid === undefined) throw new Error('the gateway is not running');
  const run = (url: string, headers: OpenLoopOptions['headers']) => openLoop({ url, headers, ratePerSecond: options.ratePerSecond, seconds: options.seconds });
  const cpuPerRequest: number[] = [];
  const throughGateway = async () => {
    const before = await cpuSeconds(gatewayPid);
    const latencies = await run(`${platform.gatewayUrl}${path}`, { cookie: `porter_session=${user.client.cookie}` });
    cpuPerRequest.push(((await cpuSeconds(gatewayPid)) - before) / latencies.length);
    return latencies;
  };
  // Signed again every second of the run: a signature lives 10 s (IdentitySignature.maxAgeMs), a run may be longer.
  const direct = () =>
    run(`${platform.serviceUrl.users}${path}`, () =>
      signIdentity(platform.signingSecret, { kind: 'user', userId: user.id }, { audience: 'users', method: 'GET', url: path }),
    );

  await direct();
  await throughGateway();
  cpuPerRequest.length = 0;
  const results = await sideBySide(options.rounds, { gateway: throughGateway, direct });
  const added = (fraction: number) =>
    median(results.gateway.map((latencies, index) => quantile(latencies, fraction) - quantile(results.direct[index]!, fraction)));
  const perRound = (fraction: number, side: number[][]) => side.map((latencies) => round(quantile(latencies, fraction), 2)).join(', ');
  const cpuMicros = median(cpuPerRequest) * 1e6;
  return {
    title: `gateway cost (GET /api/users/{id}, open loop at ${options.ratePerSecond}/s, ${options.rounds} rounds of ${options.seconds} s)`,
    figures: [
      { name: 'gateway_cpu_us_per_request', value: cpuMicros, unit: 'µs', goal: { atMost: 150 } },
      { name: 'gateway_added_p50_ms', value: added(0.5), unit: 'ms', goal: { atMost: 0.5 } },
      { name: 'gateway_added_p99_ms', value: added(0.99), unit: 'ms', goal: { atMost: 2 } },
    ],
    details: [
      `gateway CPU per proxied request: ${round(cpuMicros, 0)} µs (per round: ${cpuPerRequest.map((value) => round(value * 1e6, 0)).join(', ')})`,
      `through the gateway: p50 per round ${perRound(0.5, results.gateway)} ms, p99 ${perRound(0.99, results.gateway)} ms`,
      `users service directly: p50 per round ${perRound(0.5, results.direct)} ms, p99 ${perRound(0.99, results.direct)} ms`,
    ],
  };
}
