import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, test } from 'node:test';
import { ErrorMessage } from '@platform/contracts';
import { startTestGateway, type TestGateway } from './support.js';

/** A port on which nothing listens. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let gateway: TestGateway;
before(async () => {
  gateway = await startTestGateway({ REDIS_URL: `redis://127.0.0.1:${await closedPort()}` });
});
after(async () => {
  await gateway.close();
});

const unavailable = { code: 503, errors: [ErrorMessage.sessionStoreUnavailable] };

test('with Redis down, anything that needs a session fails fast with 503', async () => {
  const cookie = `porter_session=${'A'.repeat(43)}`;
  const started = Date.now();
  const requests = [
    gateway.app.inject({ method: 'GET', url: '/api/users/1', headers: { cookie } }),
    gateway.app.inject({ method: 'POST', url: '/api/logout', headers: { cookie } }),
    gateway.app.inject({ method: 'POST', url: '/api/login', payload: { email: 'ivan@example.com', password: 'x' } }),
    gateway.app.inject({ method: 'POST', url: '/api/users', payload: { email: 'ivan@example.com', password: 'x' } }),
  ];
  for (const reply of await Promise.all(requests)) {
    assert.equal(reply.statusCode, 503);
    assert.deepEqual(reply.json(), unavailable);
  }
  assert.ok(Date.now() - started < 5_000, 'no request waits for Redis to come back');
});

test('without a cookie there is nothing to look up: 403 as usual', async () => {
  const reply = await gateway.app.inject({ method: 'GET', url: '/api/releases' });
  assert.deepEqual([reply.statusCode, reply.body], [403, 'Forbidden']);
});

test('readiness reports Redis', async () => {
  // NATS connects in the background: once it has, Redis alone fails readiness.
  await gateway.events.connected;
  const reply = await gateway.app.inject({ method: 'GET', url: '/readyz' });
  assert.equal(reply.statusCode, 503);
  assert.deepEqual(reply.json(), { status: 'unavailable', failing: ['redis'], degraded: [] });
});

test('with Redis down, a token is checked with the users service on every request: accepted while live, never a 500 (a users-service route: release routes need the kubeconfig floor in Redis)', async () => {
  const tokenId = 'c0ffee0123456789';
  const token = `prt_${tokenId}_${'x'.repeat(43)}`;
  gateway.users.tokens.set(token, { tokenId, userId: 1, scope: { access: 'read' }, expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
  const checks = gateway.users.tokenChecks.count;
  for (let request = 0; request < 2; request += 1) {
    const reply = await gateway.app.inject({ method: 'GET', url: '/api/tokens', headers: { authorization: `Bearer ${token}` } });
    assert.equal(reply.statusCode, 200, reply.body);
  }
  assert.equal(gateway.users.tokenChecks.count, checks + 2);
  gateway.users.tokens.delete(token);
  const revoked = await gateway.app.inject({ method: 'GET', url: '/api/tokens', headers: { authorization: `Bearer ${token}` } });
  assert.equal(revoked.statusCode, 401);
});
