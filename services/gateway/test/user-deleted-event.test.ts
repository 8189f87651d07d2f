import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { EventBus } from '@platform/service-kit';
import { pino } from 'pino';
import { login, sessionCookie, signUp, startTestGateway, type TestGateway } from './support.js';

let gateway: TestGateway;
let publisher: EventBus;
before(async () => {
  gateway = await startTestGateway();
  // The users service's side: a second connection publishing into the same scope.
  publisher = new EventBus({ url: gateway.config.NATS_URL, name: 'users-test', log: pino({ level: 'silent' }), scope: gateway.scope });
  await Promise.all([publisher.connected, gateway.events.connected]);
});
after(async () => {
  await publisher.close();
  await gateway.close();
});

const status = async (id: number, cookie: string) => (await gateway.app.inject({ method: 'GET', url: `/api/users/${id}`, headers: { cookie } })).statusCode;

async function eventually(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('a user.deleted event ends every session of that user, and only theirs', async () => {
  const dave = await signUp(gateway, 'dave@example.com');
  const daveElsewhere = sessionCookie(await login(gateway, 'dave@example.com'));
  const erin = await signUp(gateway, 'erin@example.com');
  assert.equal(await status(dave.id, dave.cookie), 200);
  assert.equal(await status(dave.id, daveElsewhere), 200);

  await publisher.publishUserEvent({ type: 'user.deleted', userId: dave.id, kubeconfigVersion: 0, occurredAt: new Date().toISOString() });

  await eventually(async () => (await status(dave.id, dave.cookie)) === 403);
  assert.equal(await status(dave.id, daveElsewhere), 403);
  assert.equal(await status(erin.id, erin.cookie), 200);
  const index = await gateway.redis.exists(`${gateway.config.REDIS_KEY_PREFIX}user-sessions:${dave.id}`);
  assert.equal(index, 0, 'the per-user index is gone too');
});

test("a user.deleted event drops the user's cached token verdicts, so their next token request asks the users service", async () => {
  const gina = await signUp(gateway, 'gina@example.com');
  const tokenId = '0123456789abcdef';
  const token = `prt_${tokenId}_${'g'.repeat(43)}`;
  gateway.users.tokens.set(token, { tokenId, userId: gina.id, scope: { access: 'read' }, expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
  const use = async () => (await gateway.app.inject({ method: 'GET', url: '/api/tokens', headers: { authorization: `Bearer ${token}` } })).statusCode;
  assert.equal(await use(), 200);
  const verdict = `${gateway.config.REDIS_KEY_PREFIX}token-verdict:${tokenId}`;
  assert.equal(await gateway.redis.exists(verdict), 1);

  // The users service deleted gina and her tokens before it published the event.
  gateway.users.tokens.delete(token);
  await publisher.publishUserEvent({ type: 'user.deleted', userId: gina.id, kubeconfigVersion: 0, occurredAt: new Date().toISOString() });
  await eventually(async () => (await gateway.redis.exists(verdict)) === 0);
  assert.equal(await gateway.redis.exists(`${gateway.config.REDIS_KEY_PREFIX}user-token-verdicts:${gina.id}`), 0);
  assert.equal(await use(), 401);
});

test('a kubeconfig.changed event leaves sessions alone', async () => {
  const frank = await signUp(gateway, 'frank@example.com');
  await publisher.publishUserEvent({ type: 'kubeconfig.changed', userId: frank.id, kubeconfigVersion: 1, occurredAt: new Date().toISOString() });
  // A deletion published after it proves the consumer has passed the change.
  const marker = await signUp(gateway, 'marker@example.com');
  await publisher.publishUserEvent({ type: 'user.deleted', userId: marker.id, kubeconfigVersion: 0, occurredAt: new Date().toISOString() });
  await eventually(async () => (await status(marker.id, marker.cookie)) === 403);
  assert.equal(await status(frank.id, frank.cookie), 200);
});
