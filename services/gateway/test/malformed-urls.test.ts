import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { signUp, startTestGateway, type TestGateway } from './support.js';

/**
 * URLs that fastify's router refuses before any route runs: the contract's 400/600 like any other
 * parameter that cannot be decoded, not fastify's own body (the releases service's test has the other case).
 */
let gateway: TestGateway;
let cookie: string;
before(async () => {
  gateway = await startTestGateway();
  ({ cookie } = await signUp(gateway, 'malformed-urls@example.com'));
});
after(async () => {
  await gateway.close();
});

const couldNotProcess = { code: 600, errors: ['could not process request'] };

test('a path with broken percent-encoding is 400/600', async () => {
  for (const url of ['/api/users/%E0%A4%A', '/api/releases/%C0/history']) {
    const reply = await gateway.app.inject({ method: 'GET', url, headers: { cookie } });
    assert.equal(reply.statusCode, 400, url);
    assert.deepEqual(reply.json(), couldNotProcess);
  }
});
