import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { AuditEvent, AuditEventType, AuditEventsStream, AuditPage, subjectOfAuditEvent } from '@platform/contracts';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { MongoClient, type Collection } from 'mongodb';
import { GatewayClient, signUp } from './support/client.js';
import { helm, writeConfigMapChart } from './support/helm.js';
import { testClusterKubeconfig } from './support/kubeconfig.js';
import { PrivateNatsServer } from './support/nats.js';
import { freePort, startPlatform, type Platform } from './support/platform.js';

/**
 * Audit events end to end on real servers: a private NATS (so it can be stopped), two users replicas (two
 * store consumers), FerretDB and the test cluster. Every operation must leave exactly one stored event.
 */
let nats: PrivateNatsServer;
let platform: Platform;
let mongo: MongoClient;
let stored: Collection<{ _id: string; event: AuditEvent }>;
const password = `pw-${randomBytes(6).toString('hex')}`;
const namespace = `it-audit-${randomBytes(3).toString('hex')}`;
const release = 'audited';

before(async () => {
  nats = await PrivateNatsServer.start(await freePort());
  platform = await startPlatform({ natsUrl: nats.url });
  await platform.addReplica('users');
  mongo = await MongoClient.connect(platform.mongoUrl);
  stored = mongo.db().collection('audit_events');
  await helm(['install', release, await writeConfigMapChart(), '-n', namespace, '--create-namespace']);
});
after(async () => {
  await helm(['uninstall', release, '-n', namespace]).catch(() => undefined);
  await mongo?.close();
  await platform?.stop();
  await nats?.stop();
});

async function eventsOf(filter: Record<string, unknown>, atLeast: number): Promise<AuditEvent[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const documents = await stored.find(filter).sort({ time: 1 }).toArray();
    if (documents.length >= atLeast || Date.now() > deadline) {
      // Settle: a duplicate would show up now if one were coming.
      await new Promise((r) => setTimeout(r, 500));
      return (await stored.find(filter).sort({ time: 1 }).toArray()).map((document) => AuditEvent.parse(document.event));
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

const summary = (events: AuditEvent[]) => events.map((event) => `${event.type}:${event.data.outcome}`);

test('every operation leaves exactly one event with its fields, the API shows the caller their own, and no secret is stored', async () => {
  const email = `audit-${randomBytes(4).toString('hex')}@example.test`;
  const { client, id } = await signUp(platform.gatewayUrl, email, password);
  const wrong = new GatewayClient(platform.gatewayUrl);
  assert.equal((await wrong.post('/api/login', { email, password: 'not-the-password' })).status, 401);
  assert.equal((await client.post('/api/login', { email, password })).status, 200);
  const kubeconfig = await testClusterKubeconfig();
  assert.equal((await client.put(`/api/users/${id}`, { rawKubeConfig: kubeconfig, allowedContexts: ['admin'] })).status, 204);
  const values = `message: audit-values-${randomBytes(4).toString('hex')}\n`;
  const target = { namespace, context: 'admin' };
  assert.equal((await client.post(`/api/releases/${release}/upgrade`, { ...target, values, dryRun: true })).status, 200);
  const upgraded = await client.post(`/api/releases/${release}/upgrade`, { ...target, values });
  assert.equal(upgraded.status, 200, upgraded.text);
  assert.equal((await client.post(`/api/releases/${release}/rollback`, { ...target, revision: 1 })).status, 200);

  const mine = await eventsOf({ userId: id }, 6);
  assert.deepEqual(summary(mine), [
    `${AuditEventType.signedUp}:success`,
    `${AuditEventType.loggedIn}:success`,
    `${AuditEventType.kubeconfigChanged}:success`,
    `${AuditEventType.releaseUpgraded}:success`,
    `${AuditEventType.releaseRolledBack}:success`,
  ]);
  const refused = await eventsOf({ userId: null, 'event.data.details.email': email }, 1);
  assert.deepEqual(summary(refused), [`${AuditEventType.loggedIn}:failure`]);
  assert.equal(refused[0]!.data.error?.status, 401);

  for (const event of mine) {
    assert.equal(event.specversion, '1.0');
    assert.equal(event.data.actor.userId, id);
    assert.match(event.data.actor.sessionId ?? '', /^[0-9a-f]{16}$/, `${event.type} names the session`);
    assert.ok(event.data.requestId, `${event.type} has a request id`);
    assert.match(event.data.clientAddress ?? '', /127\.0\.0\.1/, `${event.type} has the client address`);
  }
  const [, , changed, up, back] = mine;
  assert.equal(changed!.source, '/platform/users');
  assert.deepEqual(changed!.data.details?.allowedContexts, ['admin']);
  assert.equal(up!.source, '/platform/releases');
  assert.equal(up!.subject, `releases/admin/${namespace}/${release}`);
  assert.deepEqual(
    [up!.data.release?.revisionBefore, up!.data.release?.revisionAfter, back!.data.release?.revisionBefore, back!.data.release?.revisionAfter],
    [1, 2, 2, 3],
  );
  assert.equal(up!.data.release?.chartVersionAfter, '0.1.0');
  assert.match(up!.data.release?.valuesSha256 ?? '', /^[0-9a-f]{64}$/);

  // The API: own events only, filters, and pages that join up.
  const page = await client.get(`/api/releases/${release}/audit?namespace=${namespace}&limit=1`);
  assert.equal(page.status, 200, page.text);
  const first = AuditPage.parse(page.json);
  assert.deepEqual(summary(first.events), [`${AuditEventType.releaseRolledBack}:success`]);
  const next = AuditPage.parse((await client.get(`/api/releases/${release}/audit?namespace=${namespace}&limit=1&cursor=${first.nextCursor}`)).json);
  assert.deepEqual(summary(next.events), [`${AuditEventType.releaseUpgraded}:success`]);
  const all = AuditPage.parse((await client.get('/api/audit?limit=200')).json);
  assert.deepEqual(all.events.map((event) => event.id).sort(), mine.map((event) => event.id).sort());
  const other = await signUp(platform.gatewayUrl, `other-${randomBytes(4).toString('hex')}@example.test`);
  const theirs = AuditPage.parse((await other.client.get('/api/audit')).json);
  assert.ok(theirs.events.every((event) => event.data.actor.userId === other.id));
  assert.equal((await client.get('/api/audit?cursor=bm90LWEtY3Vyc29y')).status, 400);
  assert.equal((await client.get('/api/audit?type=platform.nothing')).status >= 400, true);

  assert.equal((await client.post('/api/logout')).status, 200);
  assert.deepEqual(summary(await eventsOf({ userId: id, type: AuditEventType.loggedOut }, 1)), [`${AuditEventType.loggedOut}:success`]);

  const everything = JSON.stringify(await stored.find().toArray());
  const kubeconfigToken = /token: (\S+)/.exec(kubeconfig)?.[1];
  for (const secret of [password, 'not-the-password', values.trim(), kubeconfigToken, client.cookie].filter(Boolean)) {
    assert.ok(!everything.includes(secret!), `a secret is in the stored audit events: ${secret!.slice(0, 6)}…`);
  }
});

test('operations while NATS is stopped lose no event: each is stored once when it returns', async () => {
  const email = `audit-outage-${randomBytes(4).toString('hex')}@example.test`;
  const { client, id } = await signUp(platform.gatewayUrl, email, password);
  await eventsOf({ userId: id }, 1);
  await nats.pause();
  try {
    assert.equal((await new GatewayClient(platform.gatewayUrl).post('/api/login', { email, password: 'wrong' })).status, 401);
    assert.equal((await client.post('/api/login', { email, password })).status, 200);
    assert.equal((await client.put(`/api/users/${id}`, { rawKubeConfig: await testClusterKubeconfig(), allowedContexts: ['admin'] })).status, 204);
    assert.equal((await client.put(`/api/users/${id}`, { allowedContexts: [] })).status, 204);
    const upgraded = await client.post(`/api/releases/${release}/upgrade`, { namespace, context: 'admin', values: 'message: outage\n' });
    assert.equal(upgraded.status, 403, 'no context is allowed any more: a refused upgrade is audited too');
    assert.equal((await client.post('/api/logout')).status, 200);
  } finally {
    await nats.resume();
  }
  const events = await eventsOf({ userId: id }, 6);
  assert.deepEqual(summary(events), [
    `${AuditEventType.signedUp}:success`,
    `${AuditEventType.loggedIn}:success`,
    `${AuditEventType.kubeconfigChanged}:success`,
    `${AuditEventType.contextsChanged}:success`,
    `${AuditEventType.releaseUpgraded}:failure`,
    `${AuditEventType.loggedOut}:success`,
  ]);
  assert.equal(new Set(events.map((event) => event.id)).size, events.length);
  assert.equal((await eventsOf({ userId: null, 'event.data.details.email': email }, 1)).length, 1);
});

test('a redelivered event (another message id, as after the stream forgets it) is not stored twice by two consumers', async () => {
  const { id } = await signUp(platform.gatewayUrl, `audit-again-${randomBytes(4).toString('hex')}@example.test`);
  const [event] = await eventsOf({ userId: id }, 1);
  const connection = await connect({ servers: nats.url });
  try {
    const client = jetstream(connection);
    for (let copy = 0; copy < 4; copy += 1) {
      await client.publish(`${platform.scope}.${subjectOfAuditEvent(event!)}`, JSON.stringify(event), { msgID: `${event!.id}-again-${copy}` });
    }
    const info = await (await client.streams.get(`${AuditEventsStream.name}_${platform.scope}`)).info();
    assert.ok(info.state.messages > 4);
  } finally {
    await connection.close();
  }
  await new Promise((r) => setTimeout(r, 2_000));
  assert.equal(await stored.countDocuments({ _id: event!.id }), 1);
  assert.equal((await eventsOf({ userId: id }, 1)).length, 1);
});
