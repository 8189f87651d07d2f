import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestApp, call } from './fixtures.js';

/**
 * URLs that fastify's router refuses before any route runs (found by the fuzzer, test/fuzz): the
 * contract's 400/600, like any other parameter that cannot be decoded, not fastify's 414 and its own body.
 */
test('a release name longer than the router takes is 400/600', async () => {
  const { app } = await buildTestApp();
  for (const url of [`/api/releases/${'a'.repeat(500)}/rollback`, `/api/releases/${'a'.repeat(500)}/history?context=admin`]) {
    const response = await call(app, url.endsWith('rollback') ? 'POST' : 'GET', url, url.endsWith('rollback') ? { context: 'admin' } : undefined);
    assert.equal(response.statusCode, 400, url);
    assert.deepEqual(response.json(), { code: 600, errors: ['could not process request'] });
    assert.match(String(response.headers['content-type']), /^application\/json/);
  }
  await app.close();
});
