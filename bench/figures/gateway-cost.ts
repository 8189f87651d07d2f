import { signIdentity } from '@platform/service-kit';
import { redisUrl } from '@platform/test-support';
import type { Platform } from '../../test/support/platform.js';
import type { BenchUser } from '../support/bench-users.js';
import { startFloorServer, startSessionProxyFloor } from '../support/floor-server.js';
import { cpuSeconds, openLoop, quantile, type OpenLoopOptions } from '../support/open-loop.js';
import { round, type Section } from '../support/report.js';
import { median, sideBySide } from '../support/stats.js';

export interface GatewayCostOptions {
  ratePerSecond: number;
  rounds: number;
  seconds: number;
}

/** One open-loop run, and the CPU one process used meanwhile. */
interface Run {
  latencies: number[];
  cpuSeconds: number;
  wallSeconds: number;
}

/**
 * What the gateway costs a proxied request, measured so that the machine's load weighs little: its own CPU
 * time per request (from /proc, over an open-loop run through it) and the latency it adds, p50 and p99 of
 * `GET /api/users/{id}` through the gateway minus the same call made to the users service directly with a
 * signed identity, both sent at the same fixed rate, far below what the two cores can serve.
 *
 * An idle gateway still spends CPU (timers, the audit relay's pass, NATS and Redis traffic): at 100
 * requests/s, 1% of a core would be charged as 100 µs per request. The direct run of the same round is the
 * gateway's idle baseline (nothing reaches it then): its CPU rate over that run, times the proxied run's
 * duration, is taken off the proxied run's CPU. Both figures are reported.
 *
 * A third side, in the same rounds, is the floor: a bare node HTTP server at the same rate (see
 * startFloorServer). A process woken at 100 requests/s finds its caches cold, so on this VM even that floor
 * costs hundreds of µs per request when other work runs; the gateway is woken three times per request
 * (the client, Redis, the users service). That floor bounds the CPU figure.
 *
 * A fourth side bounds the added latency: a bare proxy that makes the gateway's two round trips (one Redis
 * `GET`, the forwarded request) and nothing else (startSessionProxyFloor), called with a signed identity as
 * the direct side is; what it adds over the direct call is what any gateway of this design adds at least.
 */
export async function measureGatewayCost(platform: Platform, user: BenchUser, options: GatewayCostOptions): Promise<Section> {
  const path = `/api/users/${user.id}`;
  const gatewayPid = platform.pid('gateway');
  if (gatewayPid === undefined) throw new Error('the gateway is not running');
  const floor = await startFloorServer();
  const sessionProxy = await startSessionProxyFloor(platform.serviceUrl.users, await redisUrl());
  try {
    const run = async (url: string, headers: OpenLoopOptions['headers'], watchedPid: number): Promise<Run> => {
      const cpuBefore = await cpuSeconds(watchedPid);
      const start = performance.now();
      const latencies = await openLoop({ url, headers, ratePerSecond: options.ratePerSecond, seconds: options.seconds });
      const wallSeconds = (performance.now() - start) / 1000;
      return { latencies, cpuSeconds: (await cpuSeconds(watchedPid)) - cpuBefore, wallSeconds };
    };
    const throughGateway = () => run(`${platform.gatewayUrl}${path}`, { cookie: `porter_session=${user.client.cookie}` }, gatewayPid);
    // Signed again every second of the run: a signature lives 10 s (IdentitySignature.maxAgeMs), a run may be longer.
    const signed = () => signIdentity(platform.signingSecret, { kind: 'user', userId: user.id }, { audience: 'users', method: 'GET', url: path });
    const direct = () => run(`${platform.serviceUrl.users}${path}`, signed, gatewayPid);
    const bare = () => run(`${floor.url}${path}`, {}, floor.pid);
    const bareProxy = () => run(`${sessionProxy.url}${path}`, signed, sessionProxy.pid);

    await direct();
    await throughGateway();
    await bare();
    await bareProxy();
    const results = await sideBySide(options.rounds, { gateway: throughGateway, direct, floor: bare, sessionProxy: bareProxy });
    return report(results, options);
  } finally {
    await Promise.all([floor.stop(), sessionProxy.stop()]);
  }
}

function report(results: Record<'gateway' | 'direct' | 'floor' | 'sessionProxy', Run[]>, options: GatewayCostOptions): Section {
  const rounds = results.gateway.map((proxied, index) => {
    const idle = results.direct[index]!;
    const idleRate = idle.cpuSeconds / idle.wallSeconds;
    const requests = proxied.latencies.length;
    return {
      raw: (proxied.cpuSeconds / requests) * 1e6,
      idlePercent: idleRate * 100,
      net: ((proxied.cpuSeconds - idleRate * proxied.wallSeconds) / requests) * 1e6,
      floor: cpuPerRequest(results.floor[index]!),
      sessionProxy: cpuPerRequest(results.sessionProxy[index]!),
    };
  });
  const addedBy = (side: Run[], fraction: number) =>
    median(side.map((proxied, index) => quantile(proxied.latencies, fraction) - quantile(results.direct[index]!.latencies, fraction)));
  const added = (fraction: number) => addedBy(results.gateway, fraction);
  const list = (values: number[], digits: number) => values.map((value) => round(value, digits)).join(', ');
  const column = (key: keyof (typeof rounds)[number]) => rounds.map((each) => each[key]);
  const quantiles = (fraction: number, side: Run[]) =>
    list(
      side.map((each) => quantile(each.latencies, fraction)),
      2,
    );
  const net = median(column('net'));
  const raw = median(column('raw'));
  const idle = median(column('idlePercent'));
  const floor = median(column('floor'));
  const proxyFloor = (fraction: number) => ({ value: addedBy(results.sessionProxy, fraction), what: 'what a bare proxy with one Redis GET adds' });
  return {
    title: `gateway cost (GET /api/users/{id}, open loop at ${options.ratePerSecond}/s, ${options.rounds} rounds of ${options.seconds} s)`,
    figures: [
      {
        name: 'gateway_cpu_us_per_request',
        value: net,
        unit: 'µs',
        goal: { atMost: 150 },
        bound: { value: floor, what: 'a bare node HTTP server at the same rate' },
      },
      { name: 'gateway_cpu_us_per_request_raw', value: raw, unit: 'µs' },
      { name: 'gateway_idle_cpu_percent', value: idle, unit: '%' },
      { name: 'floor_cpu_us_per_request', value: floor, unit: 'µs' },
      { name: 'gateway_added_p50_ms', value: added(0.5), unit: 'ms', goal: { atMost: 0.5 }, bound: proxyFloor(0.5) },
      { name: 'gateway_added_p99_ms', value: added(0.99), unit: 'ms', goal: { atMost: 2 }, bound: proxyFloor(0.99) },
    ],
    details: [
      `gateway CPU per proxied request, idle taken off: ${round(net, 0)} µs (per round: ${list(column('net'), 0)})`,
      `  raw, all the gateway used during the run: ${round(raw, 0)} µs (${list(column('raw'), 0)})`,
      `  idle gateway, during the direct run: ${round(idle, 2)}% of a core (${list(column('idlePercent'), 2)})`,
      `  floor, a bare node HTTP server at the same rate: ${round(floor, 0)} µs (${list(column('floor'), 0)}): the gateway costs ${round(net / floor, 1)} of it`,
      `through the gateway: p50 per round ${quantiles(0.5, results.gateway)} ms, p99 ${quantiles(0.99, results.gateway)} ms`,
      `users service directly: p50 per round ${quantiles(0.5, results.direct)} ms, p99 ${quantiles(0.99, results.direct)} ms`,
      `floor (driver and one loopback hop): p50 per round ${quantiles(0.5, results.floor)} ms, p99 ${quantiles(0.99, results.floor)} ms`,
      `bare proxy with one Redis GET: p50 per round ${quantiles(0.5, results.sessionProxy)} ms, p99 ${quantiles(0.99, results.sessionProxy)} ms; its CPU ${round(median(column('sessionProxy')), 0)} µs per request (${list(column('sessionProxy'), 0)})`,
    ],
  };
}

function cpuPerRequest(run: Run): number {
  return (run.cpuSeconds / run.latencies.length) * 1e6;
}
