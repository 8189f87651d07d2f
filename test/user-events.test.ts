import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { UserEvent, UserEventsStream } from '@platform/contracts';
import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { MongoClient } from 'mongodb';
import { signUp } from './support/client.js';
import { sampleKubeconfig } from './support/kubeconfig.js';
import { PrivateNatsServer } from './support/nats.js';
import { freePort, startPlatform, type Platform } from './support/platform.js';

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
