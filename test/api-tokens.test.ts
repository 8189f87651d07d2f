import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { ApiTokenScope, CreatedApiToken, ReleasePlan } from '@platform/contracts';
import { createRedisClient } from '@platform/gateway';
import { redisUrl } from '@platform/test-support';
import { MongoClient } from 'mongodb';
import { GatewayClient, signUp, type Reply } from './support/client.js';
import { helm, helmHistory, writeConfigMapChart } from './support/helm.js';
import { testClusterKubeconfig } from './support/kubeconfig.js';
import { startPlatform, type Platform } from './support/platform.js';

/**
 * API tokens through the real gateway, users and releases services: a CI job's plan-then-apply upgrade with
 * a token, scopes refused and allowed per route, and every way a token stops working.
 */
const password = 'correct horse battery';
const namespace = `it-tokens-${randomBytes(3).toString('hex')}`;
const otherNamespace = `${namespace}-b`;
let platform: Platform;
let owner: GatewayClient;
let ownerId: number;

before(async () => {
  platform = await startPlatform();
  ({ client: owner, id: ownerId } = await signUp(platform.gatewayUrl, `tokens-${randomBytes(4).toString('hex')}@example.test`, password));
  const put = await owner.put(`/api/users/${ownerId}`, { rawKubeConfig: await testClusterKubeconfig(), allowedContexts: ['admin'] });
  assert.equal(put.status, 204, put.text);
  const chart = await writeConfigMapChart();
  await helm(['install', 'web', chart, '-n', namespace, '--create-namespace']);
  await helm(['install', 'web', chart, '-n', otherNamespace, '--create-namespace']);
});
after(async () => {
  await platform?.stop();
  for (const ns of [namespace, otherNamespace]) await helm(['uninstall', 'web', '-n', ns]).catch(() => undefined);
});

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

async function createToken(scope: ApiTokenScope, by: GatewayClient = owner): Promise<CreatedApiToken> {
  const reply = await by.post('/api/tokens', { name: `ci-${scope.access}`, expiresAt: inDays(7), scope });
  assert.equal(reply.status, 201, reply.text);
  return reply.json as CreatedApiToken;
}

/** A client with no cookie: what a CI job has. */
function withToken(token: string, baseUrl = platform.gatewayUrl) {
  const client = new GatewayClient(baseUrl);
  const headers = { authorization: `Bearer ${token}` };
  return {
    get: (path: string) => client.request('GET', path, undefined, headers),
    post: (path: string, body?: unknown) => client.request('POST', path, body, headers),
    put: (path: string, body?: unknown) => client.request('PUT', path, body, headers),
    delete: (path: string, body?: unknown) => client.request('DELETE', path, body, headers),
  };
}

const scopeRefusal = (reply: Reply) => [
  reply.status,
  (reply.json as { code?: number } | undefined)?.code,
  (reply.json as { errors?: string[] } | undefined)?.errors,
];

describe('API tokens on the real platform', () => {
  test('a CI job plans an upgrade with a write token limited to its release, then applies exactly that plan', async () => {
    const { token } = await createToken({ access: 'write', contexts: ['admin'], namespaces: [namespace], releases: ['web'] });
    const ci = withToken(token);
    const upgrade = { context: 'admin', namespace, values: 'message: from ci\n' };
    const plan = await ci.post('/api/releases/web/upgrade', { ...upgrade, dryRun: true });
    assert.equal(plan.status, 200, plan.text);
    const { planToken } = plan.json as ReleasePlan;
    const applied = await ci.post('/api/releases/web/upgrade', { ...upgrade, planToken });
    assert.equal(applied.status, 200, applied.text);
    const history = await helmHistory('web', namespace);
    assert.deepEqual(
      history.map((entry) => [entry.revision, entry.status]),
      [
        [1, 'superseded'],
        [2, 'deployed'],
      ],
    );
    // The same token elsewhere: another namespace, or the release list (which names no release).
    const elsewhere = await ci.post('/api/releases/web/upgrade', { ...upgrade, namespace: otherNamespace });
    assert.deepEqual(scopeRefusal(elsewhere), [403, 612, [`token lacks scope namespace:${otherNamespace}`]]);
    assert.deepEqual(scopeRefusal(await ci.get(`/api/releases?context=admin&namespace=${namespace}`)), [403, 612, ['token lacks scope release:*']]);
    assert.equal((await helmHistory('web', otherNamespace)).length, 1, 'nothing reached the other namespace');
  });

  test('a read token lists and reads, but cannot upgrade (612 names write), make tokens or change the kubeconfig', async () => {
    const { token } = await createToken({ access: 'read' });
    const ci = withToken(token);
    const list = await ci.get(`/api/releases?context=admin&namespace=${namespace}`);
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(
      (list.json as Array<{ name: string }>).map((release) => release.name),
      ['web'],
    );
    assert.equal((await ci.get(`/api/releases/web/history?context=admin&namespace=${namespace}`)).status, 200);
    const upgrade = await ci.post('/api/releases/web/upgrade', { context: 'admin', namespace, values: 'message: no\n' });
    assert.deepEqual(scopeRefusal(upgrade), [403, 612, ['token lacks scope write']]);
    const refusedSession = [403, 612, ['token lacks scope session']];
    assert.deepEqual(scopeRefusal(await ci.post('/api/tokens', { name: 'more', expiresAt: inDays(1), scope: { access: 'write' } })), refusedSession);
    assert.deepEqual(scopeRefusal(await ci.put(`/api/users/${ownerId}`, { allowedContexts: [] })), refusedSession);
    assert.deepEqual(scopeRefusal(await ci.get(`/api/users/${ownerId}`)), refusedSession, 'the kubeconfig holds cluster credentials');
    assert.deepEqual(((await owner.get(`/api/users/${ownerId}`)).json as { contexts: string[] }).contexts, ['admin']);
  });

  test('a token stops at once when revoked or expired; its use shows in the list', async () => {
    const revoked = await createToken({ access: 'read' });
    const ci = withToken(revoked.token);
    assert.equal((await ci.get('/api/tokens')).status, 200);
    const listed = ((await owner.get('/api/tokens')).json as Array<{ id: string; lastUsedAt: string | null }>).find((entry) => entry.id === revoked.id);
    assert.ok(listed?.lastUsedAt, 'lastUsedAt is set by the first use');
    assert.equal((await owner.delete(`/api/tokens/${revoked.id}`)).status, 204);
    const refused = await ci.get('/api/tokens');
    assert.deepEqual([refused.status, refused.json], [401, { code: 401, errors: ['invalid, expired or revoked token'] }]);

    const expiring = await createToken({ access: 'read' });
    const mongo = await MongoClient.connect(platform.mongoUrl);
    try {
      await mongo
        .db()
        .collection('api_tokens')
        .updateOne({ _id: expiring.id as never }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    } finally {
      await mongo.close();
    }
    assert.equal((await withToken(expiring.token).get('/api/tokens')).status, 401);
  });

  test("the Porter dashboard's `Authorization: Bearer ` placeholder with its cookie still reads and writes", async () => {
    for (const authorization of ['Bearer ', 'Bearer <token>']) {
      const read = await owner.request('GET', `/api/releases?context=admin&namespace=${namespace}`, undefined, { authorization });
      assert.equal(read.status, 200, read.text);
      const put = await owner.request('PUT', `/api/users/${ownerId}`, { allowedContexts: ['admin'] }, { authorization });
      assert.equal(put.status, 204, put.text);
      const upgrade = await owner.request('POST', '/api/releases/web/upgrade', { context: 'admin', namespace: otherNamespace, values: '' }, { authorization });
      assert.equal(upgrade.status, 200, upgrade.text);
    }
  });

  test("a cached verdict ends at its expiry, whatever the entry's TTL in Redis says", async () => {
    const reply = await owner.post('/api/tokens', { name: 'short', expiresAt: new Date(Date.now() + 3_000).toISOString(), scope: { access: 'read' } });
    assert.equal(reply.status, 201, reply.text);
    const short = reply.json as CreatedApiToken;
    assert.equal((await withToken(short.token).get('/api/tokens')).status, 200);
    await withRedis(async (redis) => {
      const key = `${platform.scope}:token-verdict:${short.id}`;
      const ttl = await redis.pttl(key);
      assert.ok(ttl > 0 && ttl <= 3_000, `kept no longer than the token lives: ${ttl} ms`);
      // As if the entry outlived the token: the verdict's own expiry still refuses it.
      assert.equal(await redis.pexpire(key, 60_000), 1);
    });
    await new Promise((resolve) => setTimeout(resolve, Date.parse(short.expiresAt) - Date.now() + 50));
    assert.equal((await withToken(short.token).get('/api/tokens')).status, 401);
  });

  test('deleting the user ends their tokens', async () => {
    const { client, id } = await signUp(platform.gatewayUrl, `tokens-gone-${randomBytes(4).toString('hex')}@example.test`, password);
    const { token } = await createToken({ access: 'read' }, client);
    assert.equal((await withToken(token).get('/api/tokens')).status, 200);
    assert.equal((await client.delete(`/api/users/${id}`, { password })).status, 204);
    assert.equal((await withToken(token).get('/api/tokens')).status, 401);
  });

  // Last: it stops the users service. Wanted: CI jobs keep running through a users-service outage of up to
  // one TTL (30 s) with tokens verified within it; revocations wait for the users service anyway.
  test('with the users service stopped, a cached token keeps working until its verdict expires, then 503, never accepted unchecked', async () => {
    const { token, id } = await createToken({ access: 'read' });
    const history = () => withToken(token).get(`/api/releases/web/history?context=admin&namespace=${namespace}`);
    assert.equal((await history()).status, 200);
    await platform.stopService('users');
    try {
      const cached = await history();
      assert.equal(cached.status, 200, cached.text);
      // The verdict's TTL ends (here at once): the token must be checked, and the users service is away.
      await withRedis((redis) => redis.pexpire(`${platform.scope}:token-verdict:${id}`, 1));
      await new Promise((resolve) => setTimeout(resolve, 20));
      const unchecked = await history();
      assert.equal(unchecked.status, 503, unchecked.text);
    } finally {
      await platform.startService('users');
    }
    assert.equal((await history()).status, 200);
  });
});

async function withRedis<T>(use: (redis: ReturnType<typeof createRedisClient>) => Promise<T>): Promise<T> {
  const redis = createRedisClient(await redisUrl(), () => {});
  try {
    await new Promise((resolve) => redis.once('ready', resolve));
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}
