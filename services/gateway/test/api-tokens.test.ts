import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { IdentityHeader, type ApiTokenScope } from '@platform/contracts';
import { signUp, startTestGateway, type Echo, type TestGateway } from './support.js';

let gateway: TestGateway;
let alice: { id: number; cookie: string };
before(async () => {
  gateway = await startTestGateway();
  alice = await signUp(gateway, 'alice@example.com');
});
after(async () => {
  await gateway.close();
});

/** A live token of alice's with `scope`, known to the stand-in users service. */
function tokenWith(scope: ApiTokenScope): { token: string; tokenId: string } {
  const tokenId = randomBytes(8).toString('hex');
  const token = `prt_${tokenId}_${randomBytes(32).toString('base64url')}`;
  gateway.users.tokens.set(token, { tokenId, userId: alice.id, scope });
  return { token, tokenId };
}

const send = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, headers: Record<string, string>, payload?: object) =>
  gateway.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const refused = (scope: string) => ({ code: 612, errors: [`token lacks scope ${scope}`] });

describe('API tokens at the gateway', () => {
  test("a read token lists releases as its user, named by the token's id, and the token stays at the gateway", async () => {
    const { token, tokenId } = tokenWith({ access: 'read' });
    const reply = await send('GET', '/api/releases?context=admin', bearer(token));
    assert.equal(reply.statusCode, 200);
    const echo = reply.json<Echo>();
    assert.deepEqual(echo.identity, { kind: 'user', userId: alice.id, credential: { kind: 'token', id: tokenId } });
    assert.equal(echo.headers[IdentityHeader.identity], `user:${alice.id};token:${tokenId}`);
    assert.equal(echo.headers.authorization, undefined);
  });

  test('a read token cannot upgrade: 403/612 naming "write"; a write token can', async () => {
    const upgrade = { context: 'admin', namespace: 'apps', values: 'replicas: 2\n' };
    const read = tokenWith({ access: 'read' });
    const denied = await send('POST', '/api/releases/web/upgrade', bearer(read.token), upgrade);
    assert.deepEqual([denied.statusCode, denied.json()], [403, refused('write')]);
    const write = tokenWith({ access: 'write' });
    const allowed = await send('POST', '/api/releases/web/upgrade', bearer(write.token), upgrade);
    assert.equal(allowed.statusCode, 200);
    assert.deepEqual(allowed.json<Echo>().body, upgrade);
  });

  test('a token limited to a context, namespace and release reaches those and is refused elsewhere, naming what it lacks', async () => {
    const { token } = tokenWith({ access: 'write', contexts: ['admin'], namespaces: ['apps'], releases: ['web'] });
    const allowed: Array<[method: 'GET' | 'POST', url: string, body?: object]> = [
      ['GET', '/api/releases/web/history?context=admin&namespace=apps'],
      ['GET', '/api/releases/web/0?context=admin&namespace=apps'],
      ['POST', '/api/releases/web/upgrade', { context: 'admin', namespace: 'apps', dryRun: true }],
      ['GET', '/api/k8s/namespaces?context=admin'],
      ['GET', '/api/charts/versions?repository=http://127.0.0.1:8879&name=hello'],
    ];
    for (const [method, url, body] of allowed) {
      const reply = await send(method, url, bearer(token), body);
      assert.equal(reply.statusCode, 200, `${method} ${url}: ${reply.body}`);
    }
    const refusals: Array<[method: 'GET' | 'POST' | 'DELETE', url: string, scope: string, body?: object]> = [
      ['GET', '/api/releases/web/history?context=other&namespace=apps', 'context:other'],
      ['GET', '/api/releases/web/history?namespace=apps', 'context:*'],
      ['GET', '/api/releases/web/history?context=admin&namespace=team-b', 'namespace:team-b'],
      // An empty namespace would find the release in any namespace.
      ['GET', '/api/releases/web/history?context=admin', 'namespace:*'],
      ['GET', '/api/releases/db/history?context=admin&namespace=apps', 'release:db'],
      ['GET', '/api/releases?context=admin&namespace=apps', 'release:*'],
      ['POST', '/api/releases/web/upgrade', 'context:other', { context: 'other', namespace: 'apps' }],
      ['POST', '/api/releases/db/rollback', 'release:db', { context: 'admin', namespace: 'apps' }],
      ['POST', '/api/releases', 'release:db', { name: 'db', context: 'admin', namespace: 'apps', chart: { archive: 'x' } }],
      ['DELETE', '/api/releases/web?context=admin&namespace=team-b', 'namespace:team-b'],
      ['GET', '/api/k8s/namespaces?context=other', 'context:other'],
    ];
    for (const [method, url, scope, body] of refusals) {
      const reply = await send(method, url, bearer(token), body);
      assert.deepEqual([reply.statusCode, reply.json()], [403, refused(scope)], `${method} ${url}`);
    }
  });

  test('no token manages tokens, reads or changes the account, or logs out, whatever its scope', async () => {
    const { token } = tokenWith({ access: 'write' });
    const sessionOnly: Array<[method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: object]> = [
      ['POST', '/api/tokens', { name: 'more', expiresAt: new Date(Date.now() + 86_400_000).toISOString(), scope: { access: 'write' } }],
      ['DELETE', `/api/tokens/${'0'.repeat(16)}`],
      ['PUT', `/api/users/${alice.id}`, { rawKubeConfig: 'apiVersion: v1' }],
      ['DELETE', `/api/users/${alice.id}`, { password: 'correct horse' }],
      ['GET', `/api/users/${alice.id}`],
      ['GET', '/api/auth/check'],
      ['POST', '/api/logout'],
    ];
    for (const [method, url, body] of sessionOnly) {
      const reply = await send(method, url, bearer(token), body);
      assert.deepEqual([reply.statusCode, reply.json()], [403, refused('session')], `${method} ${url}`);
    }
    const list = await send('GET', '/api/tokens', bearer(token));
    assert.deepEqual([list.statusCode, list.json<Echo>().url], [200, '/api/tokens']);
  });

  test('a bearer value with our prefix that is no live token is 401, even with a live session cookie', async () => {
    const checks = gateway.users.tokenChecks.count;
    const malformed = await send('GET', '/api/releases?context=admin', { authorization: 'Bearer prt_short', cookie: alice.cookie });
    assert.deepEqual([malformed.statusCode, malformed.json()], [401, { code: 401, errors: ['invalid, expired or revoked token'] }]);
    assert.equal(gateway.users.tokenChecks.count, checks, 'a malformed token costs no call');

    const unknown = `prt_${'a'.repeat(16)}_${'b'.repeat(43)}`;
    const reply = await send('GET', '/api/releases?context=admin', { ...bearer(unknown), cookie: alice.cookie });
    assert.deepEqual([reply.statusCode, reply.json()], [401, { code: 401, errors: ['invalid, expired or revoked token'] }]);
    assert.equal(reply.headers['www-authenticate'], 'Bearer error="invalid_token"');

    const { token } = tokenWith({ access: 'read' });
    gateway.users.tokens.delete(token);
    const revoked = await send('GET', '/api/releases?context=admin', bearer(token));
    assert.equal(revoked.statusCode, 401);
  });

  test('a verdict with an expiry is cached in Redis: later requests skip the users service until the token is revoked through the gateway', async () => {
    const { token, tokenId } = tokenWith({ access: 'read' });
    gateway.users.tokens.set(token, { ...gateway.users.tokens.get(token)!, expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    const checks = gateway.users.tokenChecks.count;
    for (let request = 0; request < 3; request += 1) assert.equal((await send('GET', '/api/releases?context=admin', bearer(token))).statusCode, 200);
    assert.equal(gateway.users.tokenChecks.count, checks + 1, 'one check, then hits');
    const entry = await gateway.redis.get(`${gateway.config.REDIS_KEY_PREFIX}token-verdict:${tokenId}`);
    assert.ok(entry && !entry.includes(token.slice(21)), 'an entry without the secret');
    const ttl = await gateway.redis.pttl(`${gateway.config.REDIS_KEY_PREFIX}token-verdict:${tokenId}`);
    assert.ok(ttl > 0 && ttl <= 30_000, `ttl ${ttl} ms`);

    const otherSecret = `prt_${tokenId}_${randomBytes(32).toString('base64url')}`;
    assert.equal(
      (await send('GET', '/api/releases?context=admin', bearer(otherSecret))).statusCode,
      401,
      'the same id with another secret is asked about, and refused',
    );

    gateway.users.tokens.delete(token);
    const revoked = await send('DELETE', `/api/tokens/${tokenId}`, { cookie: alice.cookie });
    assert.equal(revoked.statusCode, 200, 'the stand-in answers 200');
    assert.equal(await gateway.redis.get(`${gateway.config.REDIS_KEY_PREFIX}token-verdict:${tokenId}`), null);
    assert.equal((await send('GET', '/api/releases?context=admin', bearer(token))).statusCode, 401);
  });

  test("the Porter dashboard's placeholders (`Bearer `, `Bearer <token>`) with its cookie still work, as the session", async () => {
    for (const authorization of ['Bearer ', 'Bearer', 'Bearer <token>', 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.x', 'Basic dXNlcjpwdw==']) {
      const read = await send('GET', '/api/releases?context=admin', { authorization, cookie: alice.cookie });
      assert.equal(read.statusCode, 200, authorization);
      const identity = read.json<Echo>().identity;
      assert.equal(identity.kind === 'user' ? identity.credential?.kind : identity.kind, 'session', authorization);
      const upgrade = await send('POST', '/api/releases/web/upgrade', { authorization, cookie: alice.cookie }, { context: 'admin', values: '' });
      assert.equal(upgrade.statusCode, 200, authorization);
      const put = await send('PUT', `/api/users/${alice.id}`, { authorization, cookie: alice.cookie }, { allowedContexts: [] });
      assert.equal(put.statusCode, 204, authorization);
    }
    const withoutCookie = await send('GET', '/api/releases?context=admin', { authorization: 'Bearer ' });
    assert.deepEqual([withoutCookie.statusCode, withoutCookie.body], [403, 'Forbidden']);
  });
});
