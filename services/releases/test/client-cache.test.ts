import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildTestApp, userId } from './fixtures.js';

/**
 * A users event (or LRU, or idle expiry) drops a user's cached clients while requests that took one may still
 * be talking to the cluster: their calls must go on working on the real test cluster until the request ends.
 */
let built: Awaited<ReturnType<typeof buildTestApp>>;
before(async () => {
  built = await buildTestApp();
});
after(async () => {
  await built.app.close();
});

test('a client dropped from the cache keeps serving the request that holds it', async () => {
  const client = await built.clusterClients.clientFor(userId, 'admin');
  assert.equal((await client.api.call('GET', '/api/v1/namespaces?limit=1', 'NamespaceList')).kind, 'NamespaceList');
  built.clusterClients.evictUser(userId);
  assert.equal(built.clusterClients.size, 0);
  // The same request's next call, after the drop: before, the pool was closed under it (UND_ERR_CLOSED, 502/604).
  assert.equal((await client.api.call('GET', '/api/v1/namespaces?limit=1', 'NamespaceList')).kind, 'NamespaceList');
  // The next request makes a new client.
  assert.notEqual(await built.clusterClients.clientFor(userId, 'admin'), client);
});

test('at shutdown the pools of dropped clients close at once', async () => {
  const client = await built.clusterClients.clientFor(userId, 'admin');
  built.clusterClients.evictUser(userId);
  built.clusterClients.close();
  await assert.rejects(client.api.call('GET', '/api/v1/namespaces?limit=1', 'NamespaceList'), (error: { code?: number }) => error.code === 604);
});
