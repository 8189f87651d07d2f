import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { ErrorCode, UserEvent, UserEventsStream } from '@platform/contracts';
import { serviceCallHeaders } from '@platform/service-kit';
import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { MongoClient } from 'mongodb';
import { signUp } from './support/client.js';
import { sampleKubeconfig, testClusterKubeconfig } from './support/kubeconfig.js';
import { PrivateNatsServer } from './support/nats.js';
import { freePort, startPlatform, type Platform } from './support/platform.js';
import { scrape, valueOf } from './support/prometheus.js';

/**
 * Kubeconfig events end to end: the users service publishes them on JetStream, none is lost while NATS is
 * down, and what is stored holds no kubeconfig plaintext. The suite runs its own NATS so it may stop it.
 */
let nats: PrivateNatsServer;
let platform: Platform;

before(async () => {
  nats = await PrivateNatsServer.start(await freePort());
  platform = await startPlatform({ natsUrl: nats.url });
});
after(async () => {
  await platform?.stop();
  await nats?.stop();
});

async function eventsOf(userId: number): Promise<UserEvent[]> {
  const connection = await connect({ servers: nats.url });
  try {
    const consumer = await jetstream(connection).consumers.get(`${UserEventsStream.name}_${platform.scope}`, {
      deliver_policy: DeliverPolicy.All,
    });
    const events: UserEvent[] = [];
    const batch = await consumer.fetch({ max_messages: 1000, expires: 1_000 });
    for await (const message of batch) {
      const event = UserEvent.parse(message.json());
      assert.ok(message.subject.startsWith(`${platform.scope}.users.`), message.subject);
      if (event.userId === userId) events.push(event);
      if (message.info.pending === 0) break;
    }
    return events;
  } finally {
    await connection.close();
  }
}

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!ok(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    value = await read();
  }
  return value;
}

test('every kubeconfig change is published with a growing version, and the deletion too', async () => {
  const { client, id } = await signUp(platform.gatewayUrl, `events-${randomBytes(4).toString('hex')}@example.test`);
  assert.equal((await client.put(`/api/users/${id}`, { rawKubeConfig: sampleKubeconfig() })).status, 204);
  assert.equal((await client.put(`/api/users/${id}`, { allowedContexts: ['prod-ctx'] })).status, 204);
  assert.equal((await client.delete(`/api/users/${id}`, { password: 'correct horse battery' })).status, 204);
  const events = await eventually(
    () => eventsOf(id),
    (list) => list.some((event) => event.type === 'user.deleted'),
  );
  const changes = events.filter((event) => event.type === 'kubeconfig.changed');
  assert.equal(changes.length, 2, JSON.stringify(events));
  assert.ok(changes[0]!.kubeconfigVersion < changes[1]!.kubeconfigVersion);
  assert.equal(events.at(-1)!.type, 'user.deleted');
  for (const event of events) assert.ok(!JSON.stringify(event).includes('sample-token-value'), 'no kubeconfig in events');
});

test('updates made while NATS is down are kept and their events arrive, in order, once it returns', async () => {
  const { client, id } = await signUp(platform.gatewayUrl, `outage-${randomBytes(4).toString('hex')}@example.test`);
  await nats.pause();
  try {
    assert.equal((await client.put(`/api/users/${id}`, { rawKubeConfig: sampleKubeconfig() })).status, 204);
    assert.equal((await client.put(`/api/users/${id}`, { allowedContexts: ['staging-ctx'] })).status, 204);
    assert.equal((await client.put(`/api/users/${id}`, { allowedContexts: ['prod-ctx', 'staging-ctx'] })).status, 204);
    const user = (await client.get(`/api/users/${id}`)).json as { contexts: string[] };
    assert.deepEqual([...user.contexts].sort(), ['prod-ctx', 'staging-ctx'], 'the update is kept while NATS is down');
  } finally {
    await nats.resume();
  }
  const events = await eventually(
    () => eventsOf(id),
    (list) => list.length >= 3,
    30_000,
  );
  const versions = events.map((event) => event.kubeconfigVersion);
  assert.equal(events.length, 3, JSON.stringify(events));
  assert.deepEqual(
    versions,
    [...versions].sort((a, b) => a - b),
    'in order',
  );
  assert.equal(new Set(versions).size, 3, 'each change once');
});

test('the stored documents hold no kubeconfig plaintext', async () => {
  const { client, id } = await signUp(platform.gatewayUrl, `rest-${randomBytes(4).toString('hex')}@example.test`);
  assert.equal((await client.put(`/api/users/${id}`, { rawKubeConfig: sampleKubeconfig() })).status, 204);
  const mongo = await MongoClient.connect(platform.mongoUrl);
  try {
    const database = mongo.db();
    const collections = await database.listCollections().toArray();
    assert.ok(collections.length > 0);
    let documents = 0;
    for (const { name } of collections) {
      for (const document of await database.collection(name).find({}).toArray()) {
        documents += 1;
        const text = JSON.stringify(document);
        assert.ok(!text.includes('sample-token-value'), `token in ${name}`);
        assert.ok(!text.includes('cluster.example.test'), `cluster address in ${name}`);
        assert.ok(!text.includes('correct horse battery'), `password in ${name}`);
      }
    }
    assert.ok(documents > 0, 'the users service stored documents');
  } finally {
    await mongo.close();
  }
});

/** Whether the releases service's events consumer is connected, as its readiness reports. */
async function releasesHearsEvents(): Promise<boolean> {
  const ready = (await (await fetch(`${platform.serviceUrl.releases}/readyz`)).json()) as { degraded?: string[] };
  return !ready.degraded?.includes('events');
}

/** A change made at the users service directly, as the user: the gateway never sees its answer, so raises no floor. */
async function changeBehindTheGateway(userId: number, body: unknown): Promise<number> {
  const url = `/api/users/${userId}`;
  const headers = serviceCallHeaders(platform.signingSecret, { kind: 'user', userId }, { audience: 'users', method: 'PUT', url }, 'behind-the-gateway');
  const reply = await fetch(`${platform.serviceUrl.users}${url}`, {
    method: 'PUT',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return reply.status;
}

test('the releases service serves the kubeconfig version events told it, and asks the users service on every request while NATS is down', async () => {
  const { client, id } = await signUp(platform.gatewayUrl, `versions-${randomBytes(4).toString('hex')}@example.test`);
  const list = () => client.get('/api/releases?namespace=default&context=admin');
  const known = async () => valueOf(await scrape(platform.serviceUrl.releases), 'kubeconfig_version_lookups_total', { source: 'known' });
  assert.ok(await eventually(releasesHearsEvents, Boolean), 'the releases service hears events');
  assert.equal((await client.put(`/api/users/${id}`, { rawKubeConfig: await testClusterKubeconfig(), allowedContexts: ['admin', 'limited'] })).status, 204);
  assert.equal((await list()).status, 200, 'the PUT is seen at once');
  const before = await known();
  assert.equal((await list()).status, 200);
  assert.ok((await known()) > before, 'a later request is served from the version remembered, without asking');

  await nats.pause();
  try {
    assert.equal(await eventually(releasesHearsEvents, (hears) => !hears), false, 'the releases service noticed');
    // Its event cannot arrive and no floor was raised: only asking the users service sees the change.
    assert.equal(await changeBehindTheGateway(id, { allowedContexts: ['limited'] }), 204);
    const refused = await list();
    assert.equal(refused.status, 403, refused.text);
    assert.equal((refused.json as { code: number }).code, ErrorCode.ContextNotAllowed);
  } finally {
    await nats.resume();
  }

  // Back on NATS the consumer is recreated where it stopped: a change behind the gateway arrives as an event,
  // and requests are again served from the version it told.
  assert.ok(await eventually(releasesHearsEvents, Boolean), 'the releases service hears events again');
  assert.equal(await changeBehindTheGateway(id, { allowedContexts: ['admin'] }), 204);
  const served = await eventually(
    async () => [(await list()).status, await known()] as const,
    ([status]) => status === 200,
  );
  assert.equal(served[0], 200, 'the change arrived');
  assert.ok(
    await eventually(
      async () => ((await list()).status === 200 ? await known() : 0),
      (count) => count > served[1],
    ),
    'served from memory again',
  );
});
