import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { KubeconfigVersionHeader } from '@platform/contracts';
import { signUp, startTestGateway, type Echo, type TestGateway } from './support.js';

/**
 * Read-your-writes across releases replicas: the kubeconfig version the users service says it stored
 * becomes the user's floor in Redis, sent with every later request to the releases service.
 */
let gateway: TestGateway;
let alice: { id: number; cookie: string };
let bob: { id: number; cookie: string };
before(async () => {
  gateway = await startTestGateway();
  alice = await signUp(gateway, 'alice@example.com');
  bob = await signUp(gateway, 'bob@example.com');
});
after(async () => {
  await gateway.close();
});

async function floorSent(user: { cookie: string }, url = '/api/releases?context=admin', headers: Record<string, string> = {}): Promise<unknown> {
  const reply = await gateway.app.inject({ method: 'GET', url, headers: { ...headers, cookie: user.cookie } });
  assert.equal(reply.statusCode, 200, reply.body);
  return reply.json<Echo>().headers[KubeconfigVersionHeader.minimum];
}

async function storeKubeconfig(user: { id: number; cookie: string }, version: number) {
  return gateway.app.inject({
    method: 'PUT',
    url: `/api/users/${user.id}`,
    headers: { cookie: user.cookie, 'x-test-stored-version': String(version) },
    payload: {},
  });
}

test('a user who never stored a kubeconfig sends floor 0 to the releases service, and none to the users service', async () => {
  assert.equal(await floorSent(alice), '0');
  assert.equal(await floorSent(alice, `/api/users/${alice.id}`), undefined);
});

test('the version a PUT stored is the floor of every later releases request, and the client never sees it', async () => {
  const stored = await storeKubeconfig(alice, 7);
  assert.equal(stored.statusCode, 204);
  assert.equal(stored.headers[KubeconfigVersionHeader.stored], undefined);
  for (const url of ['/api/releases?context=admin', '/api/releases/web/history?context=admin', '/api/k8s/namespaces?context=admin', '/api/charts/versions']) {
    assert.equal(await floorSent(alice, url), '7', url);
  }
  assert.equal(await floorSent(bob), '0', "another user's floor is their own");
});

test('a write answered later with an older version does not lower the floor', async () => {
  assert.equal((await storeKubeconfig(alice, 9)).statusCode, 204);
  assert.equal((await storeKubeconfig(alice, 8)).statusCode, 204);
  assert.equal(await floorSent(alice), '9');
});

test('a floor sent by the client is dropped: only the gateway sets it', async () => {
  assert.equal(await floorSent(bob, '/api/releases?context=admin', { [KubeconfigVersionHeader.minimum]: '999' }), '0');
});

test('a floor Redis refuses to raise makes the PUT a 503 in the contract shape, never a 204 the releases service could miss', async () => {
  const carol = await signUp(gateway, 'carol@example.com');
  // A key of the wrong type: Redis answers WRONGTYPE to the raise, as a failing store would.
  await gateway.redis.hset(`${gateway.config.REDIS_KEY_PREFIX}kubeconfig-floor:${carol.id}`, 'not', 'a version');
  const stored = await storeKubeconfig(carol, 3);
  assert.equal(stored.statusCode, 503, stored.body);
  assert.deepEqual(stored.json(), { code: 503, errors: ['session store unavailable'] });
});
