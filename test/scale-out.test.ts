import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { ErrorCode } from '@platform/contracts';
import { GatewayClient, signUp } from './support/client.js';
import { addWaitingHook, helm, writeConfigMapChart } from './support/helm.js';
import { completeJob, kubeApi } from './support/kube.js';
import { testClusterKubeconfig } from './support/kubeconfig.js';
import { startPlatform, type Platform, type ServiceInstance } from './support/platform.js';
import { scrape, valueOf } from './support/prometheus.js';
import { createRedisClient } from '@platform/gateway';
import { redisUrl } from '@platform/test-support';

/**
 * Two replicas of every service, as the chart runs them: two gateways on one Redis key prefix, two users
 * services on one database, two releases services. Each gateway talks to its own pair (gateway 1 to users 1
 * and releases 1, gateway 2 to users 2 and releases 2; each releases to its users), so a request's path
 * through the platform is known. Sessions, kubeconfig changes and release operations must not care which
 * replica a request reaches.
 */
const password = 'correct horse battery';
const namespace = `it-scale-${randomBytes(3).toString('hex')}`;
let platform: Platform;
let users2: ServiceInstance;
let releases2: ServiceInstance;
let gateway2: ServiceInstance;
let kubeconfig: string;

before(async () => {
  platform = await startPlatform();
  users2 = await platform.addReplica('users');
  releases2 = await platform.addReplica('releases', { USERS_URL: users2.url });
  gateway2 = await platform.addReplica('gateway', { USERS_URL: users2.url, RELEASES_URL: releases2.url });
  kubeconfig = await testClusterKubeconfig();
  const chart = await writeConfigMapChart();
  await addWaitingHook(chart);
  await helm(['install', 'shared', chart, '-n', namespace, '--create-namespace']);
});
after(async () => {
  await platform?.stop();
  await helm(['uninstall', 'shared', '-n', namespace]).catch(() => undefined);
});

/** A client of gateway 2 carrying the session that `client` got from gateway 1 (or the other way round). */
function sameSessionOn(url: string, client: GatewayClient): GatewayClient {
  const other = new GatewayClient(url);
  other.cookie = client.cookie;
  return other;
}

test('a session made on one gateway works on the other, and ends on both', async () => {
  const email = `scale-${randomBytes(4).toString('hex')}@example.test`;
  const { client: onFirst, id } = await signUp(platform.gatewayUrl, email, password);
  const onSecond = sameSessionOn(gateway2.url, onFirst);
  const me = await onSecond.get(`/api/users/${id}`);
  assert.equal(me.status, 200, me.text);
  assert.equal((me.json as { email: string }).email, email);

  const loggedInOnSecond = new GatewayClient(gateway2.url);
  assert.equal((await loggedInOnSecond.post('/api/login', { email, password })).status, 200);
  assert.equal((await sameSessionOn(platform.gatewayUrl, loggedInOnSecond).get(`/api/users/${id}`)).status, 200);

  assert.equal((await onSecond.post('/api/logout')).status, 200);
  const ended = await onFirst.get(`/api/users/${id}`);
  assert.equal(ended.status, 403, 'logged out on gateway 2, so no longer logged in on gateway 1');
  assert.equal((await loggedInOnSecond.get(`/api/users/${id}`)).status, 200, 'the other session lives on');
});

test('a kubeconfig change is seen at once through both releases replicas, whose cached clients it replaces', async () => {
  const { client, id } = await signUp(platform.gatewayUrl, `scale-kc-${randomBytes(4).toString('hex')}@example.test`, password);
  const viaSecond = sameSessionOn(gateway2.url, client);
  const list = (through: GatewayClient) => through.get(`/api/releases?namespace=${namespace}&context=admin`);
  const misses = async () => [
    valueOf(await scrape(platform.serviceUrl.releases), 'kube_client_cache_lookups_total', { result: 'miss' }),
    valueOf(await scrape(releases2.url), 'kube_client_cache_lookups_total', { result: 'miss' }),
  ];

  // Writes of one user go through one users replica only: FerretDB on SQLite does not apply an update
  // atomically across processes (see the README), so this test does not race two users replicas on one user.
  assert.equal((await client.put(`/api/users/${id}`, { rawKubeConfig: kubeconfig, allowedContexts: ['admin', 'limited'] })).status, 204);
  for (const through of [client, viaSecond]) assert.equal((await list(through)).status, 200, 'warms each replica');
  for (const through of [client, viaSecond]) assert.equal((await list(through)).status, 200, 'served from each cache');
  const warm = await misses();

  for (let round = 0; round < 3; round += 1) {
    assert.equal((await client.put(`/api/users/${id}`, { allowedContexts: ['limited'] })).status, 204);
    for (const through of [viaSecond, client]) {
      const refused = await list(through);
      assert.equal(refused.status, 403, `round ${round}: ${refused.text}`);
      assert.equal((refused.json as { code: number }).code, ErrorCode.ContextNotAllowed);
    }
    assert.equal((await client.put(`/api/users/${id}`, { allowedContexts: ['admin'] })).status, 204);
    for (const through of [viaSecond, client]) assert.equal((await list(through)).status, 200, `round ${round}: allowed again`);
  }
  // Each change made each replica build a client for the new version, never reuse the old one.
  const [first, second] = await misses();
  assert.ok(first! - warm[0]! >= 6 && second! - warm[1]! >= 6, `misses on releases 1 and 2 after six changes: ${first! - warm[0]!}, ${second! - warm[1]!}`);
});

/** Whether gateway replicas share a verdict for this token in Redis. */
async function verdictCached(tokenId: string): Promise<boolean> {
  const redis = createRedisClient(await redisUrl(), () => {});
  try {
    await new Promise((resolve) => redis.once('ready', resolve));
    return (await redis.exists(`${platform.scope}:token-verdict:${tokenId}`)) === 1;
  } finally {
    redis.disconnect();
  }
}

const tokenLookups = async (url: string) => {
  const samples = await scrape(url);
  return {
    hit: valueOf(samples, 'gateway_token_cache_lookups_total', { result: 'hit' }),
    miss: valueOf(samples, 'gateway_token_cache_lookups_total', { result: 'miss' }),
  };
};

async function userWithToken(prefix: string) {
  const { client, id: userId } = await signUp(platform.gatewayUrl, `${prefix}-${randomBytes(4).toString('hex')}@example.test`, password);
  const created = await client.post('/api/tokens', { name: 'ci', expiresAt: new Date(Date.now() + 86_400_000).toISOString(), scope: { access: 'read' } });
  assert.equal(created.status, 201, created.text);
  const { id, token } = created.json as { id: string; token: string };
  const listTokens = (url: string) => new GatewayClient(url).request('GET', '/api/tokens', undefined, { authorization: `Bearer ${token}` });
  return { client, userId, id, listTokens };
}

test('a token verdict cached by one gateway is used by the other, without asking the users service', async () => {
  const { id, listTokens } = await userWithToken('scale-tok-shared');
  assert.equal((await listTokens(platform.gatewayUrl)).status, 200);
  assert.ok(await verdictCached(id), 'gateway 1 cached the verdict');
  const before = await tokenLookups(gateway2.url);
  assert.equal((await listTokens(gateway2.url)).status, 200);
  const after = await tokenLookups(gateway2.url);
  assert.deepEqual([after.hit! - before.hit!, after.miss! - before.miss!], [1, 0], 'gateway 2 took the verdict gateway 1 stored');
});

test('an API token revoked through one gateway is refused by both within a second, from the next request on, cached verdict or not', async () => {
  const { client, id, listTokens } = await userWithToken('scale-tok');
  const gateways = [platform.gatewayUrl, gateway2.url];
  for (const url of gateways) assert.equal((await listTokens(url)).status, 200, url);
  assert.ok(await verdictCached(id), 'both gateways would answer from the cache');

  const revoked = await sameSessionOn(gateway2.url, client).delete(`/api/tokens/${id}`);
  assert.equal(revoked.status, 204, revoked.text);
  const revokedAt = performance.now();
  // The revocation dropped the shared verdict before its answer: the first request to each gateway is refused.
  const after = await Promise.all(gateways.map(listTokens));
  const elapsedMs = performance.now() - revokedAt;
  assert.deepEqual(
    after.map((reply) => reply.status),
    [401, 401],
  );
  assert.ok(elapsedMs < 1000, `both gateways refused the token ${Math.round(elapsedMs)} ms after its revocation`);
  assert.equal(await verdictCached(id), false, 'a refusal is not cached');
});

test('a user who deleted themselves through one gateway: their cached token is refused by both from the next request on', async () => {
  const { client, userId, id, listTokens } = await userWithToken('scale-tok-gone');
  const gateways = [platform.gatewayUrl, gateway2.url];
  for (const url of gateways) assert.equal((await listTokens(url)).status, 200, url);
  assert.ok(await verdictCached(id));
  const deleted = await client.delete(`/api/users/${userId}`, { password });
  assert.equal(deleted.status, 204, deleted.text);
  const after = await Promise.all(gateways.map(listTokens));
  assert.deepEqual(
    after.map((reply) => reply.status),
    [401, 401],
  );
});

test('upgrades of one release through both releases replicas while one is in progress: 409/606, then exactly one deployed', async () => {
  const { client, id } = await signUp(platform.gatewayUrl, `scale-up-${randomBytes(4).toString('hex')}@example.test`, password);
  assert.equal((await client.put(`/api/users/${id}`, { rawKubeConfig: kubeconfig, allowedContexts: ['admin'] })).status, 204);
  const viaSecond = sameSessionOn(gateway2.url, client);
  const upgrade = (through: GatewayClient, values: string) => through.post('/api/releases/shared/upgrade', { namespace, context: 'admin', values });
  // Each round one replica's upgrade is in progress; both replicas are then asked for more.
  const rounds = [
    { holder: client, others: [viaSecond, client] },
    { holder: viaSecond, others: [client, viaSecond] },
  ];
  for (const [round, { holder, others }] of rounds.entries()) {
    // The first upgrade waits in its pre-upgrade hook (its revision stored as pending) until the test completes the hook's Job.
    const first = upgrade(holder, `slow: true\nmessage: round-${round}\n`);
    await waitForHookJob();
    const refused = await Promise.all([...others, ...others].map((through, index) => upgrade(through, `message: refused-${round}-${index}\n`)));
    for (const reply of refused) {
      assert.equal(reply.status, 409, reply.text);
      assert.equal((reply.json as { code: number }).code, ErrorCode.OperationInProgress);
    }
    await completeJob(namespace, 'shared-slow');
    const done = await first;
    assert.equal(done.status, 200, done.text);
    const history = JSON.parse(await helm(['history', 'shared', '-n', namespace, '-o', 'json'])) as Array<{ revision: number; status: string }>;
    assert.equal(history.length, round + 2, 'one new revision per round, none from the refused upgrades');
    assert.deepEqual(
      history.filter((entry) => entry.status === 'deployed').map((entry) => entry.revision),
      [round + 2],
    );
  }
});

/** Waits until the upgrade in flight created its hook Job (a new one: helm deletes the previous round's first). */
async function waitForHookJob(): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const job = await kubeApi('GET', `/apis/batch/v1/namespaces/${namespace}/jobs/shared-slow`);
    const conditions = (job.json as { status?: { conditions?: unknown[] } } | undefined)?.status?.conditions;
    if (job.status === 200 && !conditions?.length) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the upgrade never reached its hook');
}
