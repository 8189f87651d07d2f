import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { UserEvent } from '@platform/contracts';
import { EventBus, EventBusUnavailableError } from '@platform/service-kit';
import { natsUrl } from '@platform/test-support';
import { OutboxRelay } from '../src/domain/outbox-relay.js';
import { asUser, build, kubeconfigJson, kubeconfigYaml } from './helper.js';

const password = 'correct horse battery staple';
type BusLogger = ConstructorParameters<typeof EventBus>[0]['log'];
const silent = { level: 'silent', info() {}, warn() {}, error() {}, debug() {}, trace() {}, fatal() {}, child: () => silent } as unknown as BusLogger;

let bus: EventBus;
/** Every event seen on this suite's stream, by user id. */
const seen = new Map<number, UserEvent[]>();

before(async () => {
  // A scope of our own: a stream and subjects no other suite uses.
  bus = new EventBus({ url: await natsUrl(), name: 'users-events-test', log: silent, scope: `users_test_${randomBytes(4).toString('hex')}` });
  await bus.connected;
  bus.subscribeUserEvents({ everyReplica: true }, async (event) => {
    seen.set(event.userId, [...(seen.get(event.userId) ?? []), event]);
  });
  // The subscription is live once it sees an event published after it.
  const probe = 2_000_000_000 + Math.floor(Math.random() * 1_000_000);
  let version = 0;
  await eventually(async () => {
    // A new version each time: JetStream would drop a repeat of the same event.
    version += 1;
    await bus.publishUserEvent({ type: 'kubeconfig.changed', userId: probe, kubeconfigVersion: version, occurredAt: new Date().toISOString() });
    return seen.has(probe);
  }, 'the subscription sees a probe event');
});

after(async () => {
  await bus.close();
});

async function eventually(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not in time: ${what}`);
    await sleep(100);
  }
}

const summary = (events: UserEvent[] | undefined) => (events ?? []).map((event) => `${event.type}@${event.kubeconfigVersion}`);

describe('user events', () => {
  test('each change of kubeconfig or allowed contexts, and the deletion, is published once, in order, with growing versions', async (t) => {
    const { call, createUser, connection } = await build(t, { publisher: bus, auditPublisher: bus });
    const id = await createUser();
    const url = `/api/users/${id}`;
    assert.equal((await call(asUser(id), 'PUT', url, { rawKubeConfig: kubeconfigYaml() })).statusCode, 204);
    assert.equal((await call(asUser(id), 'PUT', url, { allowedContexts: ['alpha'] })).statusCode, 204);
    assert.equal((await call(asUser(id), 'PUT', url, { allowedContexts: ['alpha'] })).statusCode, 204);
    assert.equal((await call(asUser(id), 'PUT', url, { rawKubeConfig: kubeconfigJson() })).statusCode, 204);
    assert.equal((await call(asUser(id), 'DELETE', url, { password })).statusCode, 204);

    await eventually(() => (seen.get(id)?.length ?? 0) >= 4, `four events, seen ${summary(seen.get(id))}`);
    await sleep(300);
    assert.deepEqual(summary(seen.get(id)), ['kubeconfig.changed@1', 'kubeconfig.changed@2', 'kubeconfig.changed@3', 'user.deleted@4']);
    for (const event of seen.get(id) ?? []) {
      assert.deepEqual(Object.keys(event).sort(), ['kubeconfigVersion', 'occurredAt', 'type', 'userId']);
    }
    // The tombstone goes once its events are out.
    await eventually(async () => (await connection.collection('users').findOne({ _id: id as never })) === null, 'the tombstone is purged');
  });

  test('while NATS is unavailable updates succeed; the outbox delivers every event in order afterwards, once, even with two relays', async (t) => {
    const unavailable = { publishUserEvent: async () => Promise.reject(new EventBusUnavailableError('event bus is not connected')) };
    const { call, createUser, connection, repository } = await build(t, { publisher: unavailable });
    const id = await createUser();
    const url = `/api/users/${id}`;
    assert.equal((await call(asUser(id), 'PUT', url, { rawKubeConfig: kubeconfigYaml(), allowedContexts: ['alpha', 'beta'] })).statusCode, 204);
    assert.equal((await call(asUser(id), 'PUT', url, { allowedContexts: ['beta'] })).statusCode, 204);
    assert.equal((await call(asUser(id), 'PUT', url, { allowedContexts: [] })).statusCode, 204);
    assert.deepEqual((await call(asUser(id), 'GET', url)).json().contexts, []);

    await sleep(500);
    assert.equal(seen.get(id), undefined);
    const stored = await connection.collection('users').findOne({ _id: id as never });
    assert.deepEqual(
      stored?.pendingEvents.map((event: UserEvent) => `${event.type}@${event.kubeconfigVersion}`),
      ['kubeconfig.changed@1', 'kubeconfig.changed@2', 'kubeconfig.changed@3'],
    );

    // NATS is back: two replicas relay the same outbox at once.
    const relays = [0, 1].map(() => new OutboxRelay({ repository, publisher: bus, onError: (error) => assert.fail(String(error)) }));
    await Promise.all(relays.map((relay) => relay.flush()));
    await eventually(() => (seen.get(id)?.length ?? 0) >= 3, 'three relayed events');
    await sleep(500);
    assert.deepEqual(summary(seen.get(id)), ['kubeconfig.changed@1', 'kubeconfig.changed@2', 'kubeconfig.changed@3']);
    const relayed = await connection.collection('users').findOne({ _id: id as never });
    assert.deepEqual([relayed?.pendingEvents, relayed?.hasPendingEvents], [[], false]);
  });
});
