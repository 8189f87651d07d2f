import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GatewayConfig } from '../src/config.js';
import { signUp, startTestGateway, type TestGateway } from './support.js';

const parse = (raw: string) => GatewayConfig.shape.TRUST_PROXY.parse(raw);

test('TRUST_PROXY: none by default, a hop count, or addresses and CIDRs', () => {
  assert.equal(parse(''), undefined);
  assert.equal(parse('1'), 1);
  assert.deepEqual(parse('10.0.0.0/8, 127.0.0.1,::1/128'), ['10.0.0.0/8', '127.0.0.1', '::1/128']);
  for (const raw of ['true', '10.0.0.0/33', '10.0.0.0/8/1', 'proxy.internal', '-1']) {
    assert.equal(GatewayConfig.shape.TRUST_PROXY.safeParse(raw).success, false, raw);
  }
});

/** Three failed logins from one client address are the limit; the address is what the gateway believes it is. */
async function throttledGateway(trustProxy: string): Promise<TestGateway> {
  const gateway = await startTestGateway({ TRUST_PROXY: trustProxy, LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '3', LOGIN_MAX_ATTEMPTS_PER_EMAIL: '100' });
  await signUp(gateway, 'ivan@example.com', 'right');
  return gateway;
}

const failFrom = (gateway: TestGateway, forwardedFor: string) =>
  gateway.app.inject({
    method: 'POST',
    url: '/api/login',
    payload: { email: 'ivan@example.com', password: 'wrong' },
    remoteAddress: '10.1.2.3',
    headers: { 'x-forwarded-for': forwardedFor },
  });

describe("behind a trusted proxy, login throttling counts the client's address", () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await throttledGateway('10.0.0.0/8');
  });
  after(async () => {
    await gateway.close();
  });

  test('one forwarded client is throttled, another is not', async () => {
    for (let attempt = 0; attempt < 3; attempt++) assert.equal((await failFrom(gateway, '203.0.113.7')).statusCode, 401);
    assert.equal((await failFrom(gateway, '203.0.113.7')).statusCode, 429);
    assert.equal((await failFrom(gateway, '198.51.100.9')).statusCode, 401);
  });
});

describe('without TRUST_PROXY, X-Forwarded-For is not believed', () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await throttledGateway('');
  });
  after(async () => {
    await gateway.close();
  });

  test('a client cannot escape throttling by inventing addresses', async () => {
    for (let attempt = 0; attempt < 3; attempt++) assert.equal((await failFrom(gateway, `203.0.113.${attempt}`)).statusCode, 401);
    assert.equal((await failFrom(gateway, '198.51.100.9')).statusCode, 429);
  });
});
