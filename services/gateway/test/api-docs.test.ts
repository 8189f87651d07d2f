import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openApiDocument } from '@platform/contracts';
import { sessionCookie, startTestGateway, type TestGateway } from './support.js';

let gateway: TestGateway;
before(async () => {
  gateway = await startTestGateway({ SESSION_COOKIE_NAME: 'sid' });
});
after(async () => {
  await gateway.close();
});

test("/openapi.json is the contract's document, with the configured session cookie", async () => {
  const reply = await gateway.app.inject({ method: 'GET', url: '/openapi.json' });
  assert.equal(reply.statusCode, 200);
  assert.match(String(reply.headers['content-type']), /^application\/json/);
  const served = reply.json<ReturnType<typeof openApiDocument>>();
  assert.deepEqual(served, openApiDocument({ sessionCookieName: 'sid', version: served.info.version }));
  assert.deepEqual(served.components.securitySchemes.session, {
    type: 'apiKey',
    in: 'cookie',
    name: 'sid',
    description: 'Set by POST /api/login or POST /api/users.',
  });
});

test('/docs serves Swagger UI from the gateway itself, reading /docs/json, under a CSP that allows it', async () => {
  const page = await gateway.app.inject({ method: 'GET', url: '/docs/' });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /swagger-ui-bundle\.js/);
  assert.doesNotMatch(page.body, /<script>|https?:\/\//, 'no inline scripts, no assets from elsewhere');
  const csp = String(page.headers['content-security-policy']);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.match(csp, /style-src 'self' 'unsafe-inline'(;|$)/, 'Swagger UI sets inline styles');
  assert.match(csp, /frame-ancestors 'none'/);
  const bundle = await gateway.app.inject({ method: 'GET', url: '/docs/static/swagger-ui-bundle.js' });
  assert.equal(bundle.statusCode, 200);
  assert.ok(bundle.body.length > 100_000, 'the Swagger UI assets ship in the npm package');
  const initializer = await gateway.app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' });
  assert.match(initializer.body, /json/);
  const json = await gateway.app.inject({ method: 'GET', url: '/docs/json' });
  assert.equal(json.json<{ openapi: string }>().openapi, '3.0.3');
});

test("security headers on the gateway's own answers, its errors and proxied answers", async () => {
  const created = await gateway.app.inject({ method: 'POST', url: '/api/users', payload: { email: 'headers@example.com', password: 'correct horse' } });
  const id = created.json<{ id: number }>().id;
  const cookie = sessionCookie(created, 'sid');
  const answers = [
    created,
    await gateway.app.inject({ method: 'GET', url: '/api/nothing-here' }),
    await gateway.app.inject({ method: 'GET', url: `/api/users/${id + 1}` }),
    await gateway.app.inject({ method: 'GET', url: `/api/users/${id}`, headers: { cookie } }),
  ];
  assert.deepEqual(
    answers.map((reply) => reply.statusCode),
    [201, 404, 403, 200],
  );
  for (const reply of answers) {
    assert.equal(reply.headers['x-content-type-options'], 'nosniff');
    assert.equal(reply.headers['x-frame-options'], 'DENY');
    assert.match(String(reply.headers['strict-transport-security']), /max-age=\d+/);
    assert.match(String(reply.headers['content-security-policy']), /default-src 'self'/);
    assert.match(String(reply.headers['content-security-policy']), /style-src 'self'(;|$)/, 'inline styles only under /docs');
    assert.equal(reply.headers['referrer-policy'], 'no-referrer');
    assert.equal(reply.headers['x-powered-by'], undefined);
  }
});

test('/metrics counts login outcomes and requests by route pattern, not by URL', async () => {
  await gateway.app.inject({ method: 'POST', url: '/api/login', payload: { email: 'headers@example.com', password: 'correct horse' } });
  await gateway.app.inject({ method: 'POST', url: '/api/login', payload: { email: 'headers@example.com', password: 'wrong' } });
  await gateway.app.inject({ method: 'POST', url: '/api/login', payload: { email: 'not-an-email', password: 'x' } });
  await gateway.app.inject({ method: 'GET', url: '/api/users/12345/contexts' });
  const metrics = (await gateway.app.inject({ method: 'GET', url: '/metrics' })).body;
  assert.match(metrics, /^gateway_login_attempts_total\{outcome="success"\} 1$/m);
  assert.match(metrics, /^gateway_login_attempts_total\{outcome="rejected"\} 1$/m);
  assert.match(metrics, /^gateway_login_attempts_total\{outcome="invalid"\} 1$/m);
  assert.match(metrics, /^gateway_login_attempts_total\{outcome="throttled"\} 0$/m);
  assert.match(metrics, /^http_request_duration_seconds_count\{method="GET",route="\/api\/users\/\*",status_code="403"\} \d+$/m);
  assert.doesNotMatch(metrics, /12345/, 'raw URLs never become labels');
  assert.match(metrics, /^process_resident_memory_bytes \d+/m);
});
