import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { InternalRoutes } from '@platform/contracts';
import { signIdentity } from '@platform/service-kit';
import { GatewayClient, signUp } from './support/client.js';
import { faultTable, recoveryLimitMs, runFault, type Fault, type FaultResult } from './support/faults.js';
import { addWaitingHook, helm, writeConfigMapChart } from './support/helm.js';
import { MixedLoad, type Dependency, type LoadAccount } from './support/load.js';
import { eventVersionsOnStream } from './support/nats.js';
import { startPlatform, type Platform, type ServiceName } from './support/platform.js';
import { PrivateServers } from './support/private-servers.js';

/**
 * The fault suite. A steady load of mixed requests runs through the gateway while, in turn, Redis, NATS,
 * FerretDB and the kube-apiserver are stopped and restarted, and each service is SIGKILLed (with the helm it
 * runs, as a pod dies) and started again. The servers are a private set (the shared ones serve the other
 * suites meanwhile). Required, per fault: requests that need what is down fail within 2 s with a 5xx in the
 * contract's shape naming the cause; the others keep working; once it is back the platform recovers by itself
 * within 10 s; no acknowledged write is lost and every kubeconfig event reaches the stream. A releases replica
 * killed mid-upgrade leaves a pending revision, which the next upgrade recovers once PENDING_STALE_AFTER_MS
 * has passed, never leaving two deployed revisions.
 */
const helmTimeoutMs = 10_000;
const pendingStaleAfterMs = 12_000;
const password = 'correct horse battery';
const namespace = `faults-${randomBytes(3).toString('hex')}`;

let servers: PrivateServers;
let platform: Platform;
let load: MixedLoad;
let kubeconfig: string;

const clusterHelm = (args: string[]) => helm(args, 'admin', servers.urls.KUBECONFIG);
const history = async (release: string) =>
  JSON.parse(await clusterHelm(['history', release, '-n', namespace, '-o', 'json'])) as Array<{ revision: number; status: string; description: string }>;

before(async () => {
  servers = await PrivateServers.start();
  platform = await startPlatform({
    servers: servers.platformServers,
    processGroups: true,
    extraEnv: { releases: { HELM_TIMEOUT_MS: String(helmTimeoutMs), PENDING_STALE_AFTER_MS: String(pendingStaleAfterMs) } },
  });
  kubeconfig = await readFile(servers.urls.KUBECONFIG, 'utf8');
  const chart = await writeConfigMapChart();
  await addWaitingHook(chart);
  await clusterHelm(['install', 'load', chart, '-n', namespace, '--create-namespace']);
  await clusterHelm(['install', 'slow', chart, '-n', namespace]);
  const accounts: LoadAccount[] = [];
  for (let index = 0; index < 4; index += 1) {
    const email = `faults-${index}-${randomBytes(4).toString('hex')}@example.test`;
    const { client, id } = await signUp(platform.gatewayUrl, email, password);
    assert.equal((await client.put(`/api/users/${id}`, { rawKubeConfig: kubeconfig, allowedContexts: ['admin', 'limited'] })).status, 204);
    accounts.push({ id, email, contexts: ['admin', 'limited'] });
  }
  load = new MixedLoad({ gatewayUrl: platform.gatewayUrl, password, namespace, release: 'load' }, accounts);
});

after(async () => {
  await load?.stop();
  await platform?.stop();
  await servers?.dispose();
});

/** A user's kubeconfig version as the users service stores it (the internal route, as releases asks). */
async function storedVersion(userId: number): Promise<number> {
  const path = InternalRoutes.userKubeconfigVersion(userId);
  const headers = signIdentity(platform.signingSecret, { kind: 'service', name: 'releases' }, { audience: 'users', method: 'GET', url: path });
  const response = await fetch(platform.serviceUrl.users + path, { headers, signal: AbortSignal.timeout(5_000) });
  if (response.status !== 200) throw new Error(`kubeconfig version: HTTP ${response.status}`);
  return ((await response.json()) as { kubeconfigVersion: number }).kubeconfigVersion;
}

/** Every stored kubeconfig version of every load account is on the stream, each once and in order. */
async function eventsCaughtUp(): Promise<boolean> {
  try {
    const onStream = await eventVersionsOnStream(servers.urls.NATS_URL, platform.scope);
    for (const account of load.accounts) {
      const stored = await storedVersion(account.id);
      const versions = onStream.get(account.id) ?? [];
      if (versions.length < stored || versions.slice(0, stored).some((version, index) => version !== index + 1)) return false;
    }
    return true;
  } catch {
    return false;
  }
}

type Readiness = Partial<Record<ServiceName, { status: number; failing: string[]; degraded: string[] }>>;

/** Each running service's /readyz: what it cannot serve without fails it, what it can do without is reported. */
async function readiness(): Promise<Readiness> {
  const seen: Readiness = {};
  for (const name of ['gateway', 'users', 'releases'] as const) {
    try {
      const response = await fetch(`${platform.serviceUrl[name]}/readyz`, { signal: AbortSignal.timeout(3_000) });
      const body = (await response.json()) as { failing: string[]; degraded?: string[] };
      seen[name] = { status: response.status, failing: body.failing, degraded: body.degraded ?? [] };
    } catch {
      // not running (killed)
    }
  }
  return seen;
}

const ready = (degraded: string[] = []) => ({ status: 200, failing: [], degraded });
const expectedReadiness: Record<Dependency, Readiness> = {
  redis: { gateway: { status: 503, failing: ['redis'], degraded: [] }, users: ready(), releases: ready() },
  nats: { gateway: ready(['events']), users: ready(['eventBus']), releases: ready(['events']) },
  ferretdb: { gateway: ready(), users: { status: 503, failing: ['database'], degraded: [] }, releases: ready(['users']) },
  'kube-apiserver': { gateway: ready(), users: ready(), releases: ready() },
  users: { gateway: ready(), releases: ready(['users']) },
  releases: { gateway: ready(), users: ready() },
  gateway: { users: ready(), releases: ready() },
};

/** Starts an upgrade that hangs in its pre-upgrade hook, and resolves once its pending revision is stored. */
async function upgradeLeftPending(): Promise<number> {
  const client = new GatewayClient(platform.gatewayUrl);
  await client.post('/api/login', { email: load.accounts[1]!.email, password });
  void client.post('/api/releases/slow/upgrade', { namespace, context: 'admin', values: 'slow: true\n' }).catch(() => undefined);
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const latest = (await history('slow')).at(-1)!;
    if (latest.status === 'pending-upgrade') return Date.now();
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the slow upgrade never became pending');
}

let pendingSince = 0;
const stopServer = (name: Parameters<PrivateServers['stop']>[0], label: string): Fault => ({
  name: label,
  dependency: name,
  down: () => servers.stop(name),
  up: () => servers.resume(),
  downMs: 3_000,
});
const killService = (name: 'users' | 'releases' | 'gateway', label: string, before?: () => Promise<void>): Fault => ({
  name: label,
  dependency: name,
  down: async () => {
    await before?.();
    await platform.service(name).kill();
  },
  up: () => platform.startService(name),
  downMs: 2_000,
});

test('faults under load: fail fast while down, recover within 10 s, lose nothing', { timeout: 240_000 }, async () => {
  load.start();
  await new Promise((r) => setTimeout(r, 2_000));
  const baseline = load.outcomes.filter((outcome) => outcome.status === null || outcome.status >= 300);
  assert.deepEqual(
    baseline.filter((outcome) => outcome.status !== 409),
    [],
    'steady load before any fault',
  );

  const faults: Fault[] = [
    stopServer('redis', 'Redis stopped'),
    stopServer('nats', 'NATS stopped'),
    stopServer('ferretdb', 'FerretDB stopped'),
    stopServer('kube-apiserver', 'kube-apiserver stopped'),
    killService('users', 'users SIGKILL'),
    killService('releases', 'releases SIGKILL mid-upgrade', async () => {
      pendingSince = await upgradeLeftPending();
    }),
    killService('gateway', 'gateway SIGKILL'),
  ];
  const results: FaultResult[] = [];
  for (const fault of faults) results.push(await runFault(load, fault, eventsCaughtUp, readiness));

  // The release whose upgrade died with its replica: pending until stale, then the next upgrade proceeds.
  const client = new GatewayClient(platform.gatewayUrl);
  await client.post('/api/login', { email: load.accounts[1]!.email, password });
  let upgraded = await client.post('/api/releases/slow/upgrade', { namespace, context: 'admin', values: 'message: after\n' });
  while (upgraded.status === 409 && Date.now() < pendingSince + pendingStaleAfterMs + recoveryLimitMs) {
    await new Promise((r) => setTimeout(r, 500));
    upgraded = await client.post('/api/releases/slow/upgrade', { namespace, context: 'admin', values: 'message: after\n' });
  }
  const pendingRecoveredInS = (Date.now() - pendingSince) / 1000;
  await load.stop();

  console.log(
    `\nfault table (load: ${load.accounts.length} users + 1 upgrader, ${load.outcomes.length} requests, ${load.acknowledgedWrites} acknowledged writes)\n${faultTable(results)}`,
  );
  console.log(results.map((result) => `${result.fault}: taking it away took ${result.downTookS} s; slowest request ${result.slowestS} s`).join('\n'));
  console.log(
    `stale pending upgrade of "slow" recovered ${pendingRecoveredInS.toFixed(1)} s after it was left (PENDING_STALE_AFTER_MS ${pendingStaleAfterMs})`,
  );

  for (const result of results) {
    assert.deepEqual(result.badFailures, [], `${result.fault}: slow answers or failures that do not name the cause`);
    assert.equal(result.othersOk, result.others, `${result.fault}: requests that did not need ${result.dependency} failed`);
    assert.ok(result.recoveredInS <= recoveryLimitMs / 1000, `${result.fault}: recovered in ${result.recoveredInS} s`);
    assert.deepEqual(result.unexplained, [], `${result.fault}: failures outside the fault`);
    assert.equal(result.lostWrites, 0, `${result.fault}: lost writes`);
    if (result.dependency !== 'nats') assert.ok(result.needing > 0, `${result.fault}: the load met the fault`);
    assert.deepEqual(result.observed, expectedReadiness[result.dependency], `${result.fault}: readiness while it is down`);
  }

  assert.equal(upgraded.status, 200, upgraded.text);
  const slow = await history('slow');
  assert.equal(slow.filter((entry) => entry.status === 'deployed').length, 1, JSON.stringify(slow));
  assert.ok(
    slow.some((entry) => entry.status === 'failed' && entry.description === 'stale pending operation recovered'),
    JSON.stringify(slow),
  );
  const loaded = await history('load');
  assert.equal(loaded.filter((entry) => entry.status === 'deployed').length, 1, JSON.stringify(loaded.slice(-5)));

  // Nothing acknowledged is lost: each account shows its last acknowledged write (or a later unacknowledged
  // attempt), and every stored kubeconfig change is on the stream once.
  for (const account of load.accounts) {
    const reader = new GatewayClient(platform.gatewayUrl);
    assert.equal((await reader.post('/api/login', { email: account.email, password })).status, 200);
    const shown = [...((await reader.get(`/api/users/${account.id}`)).json as { contexts: string[] }).contexts].sort();
    assert.ok(
      load.acceptableContexts(account).some((value) => value.join() === shown.join()),
      `account ${account.id} shows ${shown}`,
    );
  }
  assert.ok(await eventsCaughtUp(), 'every kubeconfig change is on the stream');
  const onStream = await eventVersionsOnStream(servers.urls.NATS_URL, platform.scope);
  for (const account of load.accounts) {
    const versions = onStream.get(account.id) ?? [];
    assert.deepEqual(
      versions,
      versions.map((_, index) => index + 1),
      `account ${account.id}: each version once, in order`,
    );
  }
});
