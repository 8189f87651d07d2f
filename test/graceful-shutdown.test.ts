import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { GatewayClient, signUp } from './support/client.js';
import { helm, writeConfigMapChart } from './support/helm.js';
import { testClusterKubeconfig } from './support/kubeconfig.js';
import { startPlatform, type Platform, type ServiceName } from './support/platform.js';

/**
 * SIGTERM under load, one service after the other. What a service accepted before it was told to stop must
 * be answered normally: the stopping service finishes its in-flight requests before it closes its adapters.
 * Requests that arrive once it stopped listening may be refused: the connection itself (the gateway) or 503
 * "service unavailable" in the contract's shape (the gateway for a service behind it). Whether the stopping
 * service accepted a request is read from its own log: every request carries a unique `trace` query
 * parameter, logged by the gateway with the request id it passes to the services, which log it too.
 */
const password = 'correct horse battery';
const namespace = `it-graceful-${randomBytes(3).toString('hex')}`;
let platform: Platform;
let chart: string;
const accounts: Array<{ id: number; email: string }> = [];

before(async () => {
  // bcrypt cost 11: a login keeps the users service busy long enough to be in flight when the signal comes.
  platform = await startPlatform({ extraEnv: { users: { BCRYPT_COST: '11' } } });
  const kubeconfig = await testClusterKubeconfig();
  chart = await writeConfigMapChart();
  await helm(['install', 'graceful', chart, '-n', namespace, '--create-namespace']);
  for (let index = 0; index < 3; index += 1) {
    const email = `graceful-${index}-${randomBytes(4).toString('hex')}@example.test`;
    const { client, id } = await signUp(platform.gatewayUrl, email, password);
    assert.equal((await client.put(`/api/users/${id}`, { rawKubeConfig: kubeconfig, allowedContexts: ['admin'] })).status, 204);
    accounts.push({ id, email });
  }
});
after(async () => {
  await platform?.stop();
  await helm(['uninstall', 'graceful', '-n', namespace]).catch(() => undefined);
});

interface Traced {
  trace: string;
  startedAt: number;
  endedAt: number;
  status: number | null;
  body: string;
  error?: string;
}

let traceCounter = 0;
const traced: Traced[] = [];

async function send(client: GatewayClient, method: string, path: string, body?: unknown): Promise<void> {
  const trace = `t${(traceCounter += 1)}`;
  const startedAt = Date.now();
  try {
    const reply = await client.request(method, `${path}${path.includes('?') ? '&' : '?'}trace=${trace}`, body);
    traced.push({ trace, startedAt, endedAt: Date.now(), status: reply.status, body: reply.text });
    if (reply.status >= 500) await new Promise((r) => setTimeout(r, 100));
  } catch (failure) {
    const cause = (failure as { cause?: { code?: string } }).cause;
    traced.push({ trace, startedAt, endedAt: Date.now(), status: null, body: '', error: cause?.code ?? (failure as Error).name });
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Requests that keep `service` busy for a while (an upgrade runs helm, a login runs bcrypt), sent just before
 * the signal so that it surely has some in flight.
 */
async function busy(service: ServiceName): Promise<Promise<void>[]> {
  const client = new GatewayClient(platform.gatewayUrl);
  await send(client, 'POST', '/api/login', { email: accounts[1]!.email, password });
  const requests = [
    ...(service === 'users' ? [] : [send(client, 'POST', '/api/releases/graceful/upgrade', { namespace, context: 'admin', values: 'message: busy\n' })]),
    ...accounts.map((account) => send(new GatewayClient(platform.gatewayUrl), 'POST', '/api/login', { email: account.email, password })),
  ];
  await new Promise((r) => setTimeout(r, service === 'users' ? 20 : 150));
  return requests;
}

/** One client per account, each with its own session, looping over logins, reads, updates, lists and upgrades. */
function startLoad(): { stop: () => Promise<void> } {
  let running = true;
  const loops = accounts.map(async (account, index) => {
    const client = new GatewayClient(platform.gatewayUrl);
    client.timeoutMs = 30_000;
    await send(client, 'POST', '/api/login', { email: account.email, password });
    for (let round = 0; running; round += 1) {
      await Promise.all([
        send(client, 'GET', `/api/users/${account.id}`),
        send(client, 'GET', `/api/releases?namespace=${namespace}&context=admin`),
        index === 0
          ? send(client, 'POST', '/api/releases/graceful/upgrade', { namespace, context: 'admin', values: `message: r${round}\n` })
          : send(client, 'PUT', `/api/users/${account.id}`, { allowedContexts: round % 2 ? ['admin'] : [] }),
        send(new GatewayClient(platform.gatewayUrl), 'POST', '/api/login', { email: account.email, password }),
      ]);
    }
  });
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

interface LogLine {
  msg?: string;
  reqId?: string;
  req?: { url?: string };
  res?: { statusCode?: number };
}

function logLines(text: string): LogLine[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

/**
 * What `service` did with the requests it received, by trace (through the gateway's request ids): how many
 * calls of that request it received and how many it answered below 500. One client request may be several
 * calls (the releases service asks the users service for the kubeconfig version, then the kubeconfig).
 */
function callsByTrace(service: ServiceName, serviceLog: string): Map<string, { received: number; answered: number }> {
  const traceOfRequestId = new Map<string, string>();
  for (const line of logLines(platform.service('gateway').logs())) {
    const trace = /[?&]trace=(t\d+)/.exec(line.req?.url ?? '')?.[1];
    if (line.msg === 'incoming request' && trace && line.reqId) traceOfRequestId.set(line.reqId, trace);
  }
  const traceOfServiceRequest = new Map<string, string>();
  const calls = new Map<string, { received: number; answered: number }>();
  for (const line of logLines(serviceLog)) {
    if (!line.reqId) continue;
    if (line.msg === 'incoming request') {
      const trace = service === 'gateway' ? /[?&]trace=(t\d+)/.exec(line.req?.url ?? '')?.[1] : traceOfRequestId.get(line.reqId);
      if (!trace) continue;
      traceOfServiceRequest.set(line.reqId, trace);
      const counts = calls.get(trace) ?? { received: 0, answered: 0 };
      calls.set(trace, { ...counts, received: counts.received + 1 });
    } else if (line.msg === 'request completed' && (line.res?.statusCode ?? 500) < 500) {
      const trace = traceOfServiceRequest.get(line.reqId);
      const counts = trace === undefined ? undefined : calls.get(trace);
      if (trace !== undefined && counts) calls.set(trace, { ...counts, answered: counts.answered + 1 });
    }
  }
  return calls;
}

const normal = (request: Traced) => request.status !== null && request.status < 500;
/** How a request that reached no running `service` may fail: no connection, or the contract's 503 naming it. */
function refused(service: ServiceName, request: Traced): boolean {
  // A request sent on a kept-alive connection just as the gateway closed it (idle) never reached it either.
  if (service === 'gateway') return request.status === null && ['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET'].includes(request.error ?? '');
  const names = service === 'users' ? ['service unavailable', 'users service unavailable'] : ['service unavailable'];
  return request.status === 503 && names.some((message) => request.body === JSON.stringify({ code: 503, errors: [message] }));
}

for (const service of ['gateway', 'users', 'releases'] as const) {
  test(`SIGTERM of ${service} under load: every request it accepted is answered`, { timeout: 120_000 }, async () => {
    traced.length = 0;
    const load = startLoad();
    await new Promise((r) => setTimeout(r, 1_500));
    const inFlight = await busy(service);
    const signalAt = Date.now();
    await platform.stopService(service, 'SIGTERM');
    const stoppedAt = Date.now();
    await Promise.all(inFlight);
    await new Promise((r) => setTimeout(r, 500));
    await platform.startService(service);
    await new Promise((r) => setTimeout(r, 1_000));
    await load.stop();
    const serviceLog = platform.service(service).logs();

    assert.match(serviceLog, /"msg":"shutting down"/);
    const calls = callsByTrace(service, serviceLog);
    const accepted = new Set(calls.keys());
    // A request of which the service answered every call it received may still be refused by a later call
    // that came once it had stopped (a kubeconfig read after the version check): that is a refusal.
    const answeredAll = (request: Traced) => calls.get(request.trace)?.received === calls.get(request.trace)?.answered;
    const inFlightAtSignal = traced.filter((request) => accepted.has(request.trace) && request.startedAt < signalAt && request.endedAt > signalAt);
    const acceptedButFailed = traced.filter(
      (request) => accepted.has(request.trace) && !normal(request) && !(answeredAll(request) && refused(service, request)),
    );
    const otherFailures = traced.filter((request) => !accepted.has(request.trace) && !normal(request) && !refused(service, request));
    const refusedCount = traced.filter((request) => !normal(request) && refused(service, request)).length;
    console.log(
      `${service}: ${traced.length} requests, ${inFlightAtSignal.length} in flight at SIGTERM (all answered), ` +
        `${refusedCount} refused while it was down, shutdown took ${stoppedAt - signalAt} ms`,
    );
    assert.ok(inFlightAtSignal.length > 0, 'the signal came while the service had requests in flight');
    assert.deepEqual(acceptedButFailed, [], 'accepted, then failed');
    assert.deepEqual(otherFailures, [], 'failures other than a refusal while the service was down');
    assert.ok(stoppedAt - signalAt < 15_000, 'stopped within its grace period');
    assert.doesNotMatch(serviceLog, /graceful shutdown took too long|error during shutdown/);
  });
}
