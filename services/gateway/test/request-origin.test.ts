import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ErrorCode, ErrorMessage } from '@platform/contracts';
import { GatewayConfig } from '../src/config.js';
import { mayChangeState } from '../src/domain/request-origin.js';
import { startTestGateway, type TestGateway } from './support.js';

const request = (method: string, headers: { origin?: string; referer?: string }, host = 'platform.example.com') => ({
  method,
  origin: headers.origin,
  referer: headers.referer,
  host,
});

describe('mayChangeState', () => {
  test('reads pass from anywhere; changes pass without Origin or Referer (curl, servers)', () => {
    assert.equal(mayChangeState(request('GET', { origin: 'https://evil.example' }), []), true);
    assert.equal(mayChangeState(request('HEAD', { referer: 'https://evil.example/page' }), []), true);
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) assert.equal(mayChangeState(request(method, {}), []), true);
  });

  test('by default a change must come from the host the request was sent to', () => {
    assert.equal(mayChangeState(request('POST', { origin: 'https://platform.example.com' }), []), true);
    assert.equal(mayChangeState(request('POST', { origin: 'https://PLATFORM.example.com:443' }), []), true, 'default port and case');
    assert.equal(mayChangeState(request('POST', { origin: 'http://127.0.0.1:8080' }, '127.0.0.1:8080'), []), true);
    assert.equal(mayChangeState(request('POST', { origin: 'http://127.0.0.1:8081' }, '127.0.0.1:8080'), []), false, 'other port');
    assert.equal(mayChangeState(request('DELETE', { origin: 'https://evil.example' }), []), false);
    assert.equal(mayChangeState(request('PUT', { origin: 'https://platform.example.com.evil.example' }), []), false);
  });

  test('the Referer decides when there is no Origin; the Origin wins when both are sent', () => {
    assert.equal(mayChangeState(request('POST', { referer: 'https://platform.example.com/docs/' }), []), true);
    assert.equal(mayChangeState(request('POST', { referer: 'https://evil.example/platform.example.com' }), []), false);
    assert.equal(mayChangeState(request('POST', { origin: 'https://evil.example', referer: 'https://platform.example.com/' }), []), false);
  });

  test('opaque, malformed and non-web origins are refused', () => {
    for (const origin of ['null', '', 'not a url', 'file:///etc/passwd', 'chrome-extension://abc']) {
      assert.equal(mayChangeState(request('POST', { origin }), []), false, origin);
    }
  });

  test('with ALLOWED_ORIGINS only those origins may change state, whatever the Host', () => {
    const allowed = GatewayConfig.shape.ALLOWED_ORIGINS.parse('https://console.example.com, http://localhost:3000');
    assert.deepEqual(allowed, ['https://console.example.com', 'http://localhost:3000']);
    assert.equal(mayChangeState(request('POST', { origin: 'https://console.example.com' }), allowed), true);
    assert.equal(mayChangeState(request('POST', { origin: 'http://localhost:3000' }), allowed), true);
    assert.equal(mayChangeState(request('POST', { origin: 'http://console.example.com' }), allowed), false, 'other scheme');
    assert.equal(mayChangeState(request('POST', { origin: 'https://platform.example.com' }), allowed), false, 'own host not listed');
  });

  test('ALLOWED_ORIGINS refuses entries that are not origins', () => {
    for (const raw of ['console.example.com', 'https://a.example/path', 'ftp://a.example', 'https://user@a.example']) {
      assert.equal(GatewayConfig.shape.ALLOWED_ORIGINS.safeParse(raw).success, false, raw);
    }
  });
});

describe('the gateway refuses cross-origin changes before doing any work', () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startTestGateway({ ALLOWED_ORIGINS: 'https://console.example.com' });
  });
  after(async () => {
    await gateway.close();
  });

  const login = (headers: Record<string, string>) =>
    gateway.app.inject({ method: 'POST', url: '/api/login', payload: { email: 'nobody@example.com', password: 'pw' }, headers });

  test('403 in the contract shape for another origin; an allowed origin reaches the route', async () => {
    const refused = await login({ origin: 'https://evil.example' });
    assert.equal(refused.statusCode, 403);
    assert.deepEqual(refused.json(), { code: ErrorCode.CrossOriginRefused, errors: [ErrorMessage.crossOriginRefused] });
    assert.equal((await login({ origin: 'https://console.example.com' })).statusCode, 401);
    assert.equal((await login({})).statusCode, 401);
  });

  test('a proxied change is refused at the gateway, before the session is even looked at', async () => {
    const reply = await gateway.app.inject({ method: 'PUT', url: '/api/users/1', payload: {}, headers: { referer: 'https://evil.example/x' } });
    assert.equal(reply.statusCode, 403);
    assert.equal(reply.json<{ code: number }>().code, ErrorCode.CrossOriginRefused);
  });
});
