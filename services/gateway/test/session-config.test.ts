import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GatewayConfig } from '../src/config.js';
import { startTestGateway, type TestGateway } from './support.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('cookies are Secure unless configured otherwise', () => {
  const config = GatewayConfig.parse({ REDIS_URL: 'redis://127.0.0.1:6379', NATS_URL: 'nats://127.0.0.1:4222', INTERNAL_SIGNING_SECRET: 'x'.repeat(32) });
  assert.equal(config.COOKIE_SECURE, true);
  assert.equal(config.SESSION_COOKIE_NAME, 'porter_session');
  assert.equal(config.SESSION_TTL_SECONDS, 86_400);
});

describe('a gateway with a configured cookie and a short idle expiry', () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startTestGateway({ SESSION_COOKIE_NAME: 'sid', COOKIE_SECURE: 'true', SESSION_TTL_SECONDS: '2' });
  });
  after(async () => {
    await gateway.close();
  });

  const status = async (id: number, cookie: string) => (await gateway.app.inject({ method: 'GET', url: `/api/users/${id}`, headers: { cookie } })).statusCode;

  test('sets the cookie under its configured name, Secure', async () => {
    const reply = await gateway.app.inject({ method: 'POST', url: '/api/users', payload: { email: 'judy@example.com', password: 'pw' } });
    const cookie = reply.cookies.find((entry) => entry.name === 'sid');
    assert.ok(cookie);
    assert.equal(cookie.secure, true);
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.maxAge, undefined, 'the server, not the browser, decides when the session ends');
  });

  test('a session in use stays alive past its TTL; an idle one ends', async () => {
    const reply = await gateway.app.inject({ method: 'POST', url: '/api/users', payload: { email: 'ken@example.com', password: 'pw' } });
    const id = reply.json<{ id: number }>().id;
    const cookie = `sid=${reply.cookies.find((entry) => entry.name === 'sid')!.value}`;
    for (let step = 0; step < 4; step++) {
      await pause(1_000);
      assert.equal(await status(id, cookie), 200, `use ${step + 1} keeps it alive`);
    }
    await pause(3_000);
    assert.equal(await status(id, cookie), 403);
  });

  test('the default cookie name means nothing here', async () => {
    const reply = await gateway.app.inject({ method: 'POST', url: '/api/users', payload: { email: 'leo@example.com', password: 'pw' } });
    const value = reply.cookies.find((entry) => entry.name === 'sid')!.value;
    const id = reply.json<{ id: number }>().id;
    assert.equal(await status(id, `sid=${value}`), 200);
    assert.equal(await status(id, `porter_session=${value}`), 403);
  });
});
