import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApiTokenFormat, InternalRoutes, type ApiToken, type CreatedApiToken, type Identity } from '@platform/contracts';
import { asGateway, asReleases, asUser, build } from './helper.js';

const dayMs = 24 * 60 * 60 * 1000;
const inDays = (days: number, from = Date.now()) => new Date(from + days * dayMs).toISOString();
const bySession = (userId: number): Identity => ({ kind: 'user', userId, credential: { kind: 'session', id: '0123456789abcdef' } });
const byToken = (userId: number): Identity => ({ kind: 'user', userId, credential: { kind: 'token', id: 'fedcba9876543210' } });
const invalidToken = { code: 401, errors: ['invalid, expired or revoked token'] };

describe('/api/tokens', () => {
  test('creates a token shown once, lists it without its secret, stores only its hash, and revokes it', async (t) => {
    const { call, createUser, connection } = await build(t);
    const id = await createUser();
    const scope = { access: 'read', contexts: ['admin'], namespaces: ['apps'], releases: ['web'] };
    const created = await call(bySession(id), 'POST', '/api/tokens', { name: 'ci', expiresAt: inDays(30), scope });
    assert.equal(created.statusCode, 201, created.body);
    const token = created.json<CreatedApiToken>();
    assert.match(token.token, ApiTokenFormat.pattern);
    assert.equal(ApiTokenFormat.pattern.exec(token.token)?.[1], token.id);
    assert.deepEqual([token.name, token.scope, token.lastUsedAt], ['ci', scope, null]);

    const list = await call(bySession(id), 'GET', '/api/tokens');
    assert.deepEqual(list.json<ApiToken[]>(), [{ id: token.id, name: 'ci', scope, createdAt: token.createdAt, expiresAt: token.expiresAt, lastUsedAt: null }]);
    const stored = JSON.stringify(await connection.collection('api_tokens').find().toArray());
    assert.ok(!stored.includes(token.token.split('_')[2]!), 'the secret is not stored');

    const revoked = await call(bySession(id), 'DELETE', `/api/tokens/${token.id}`);
    assert.equal(revoked.statusCode, 204);
    assert.deepEqual((await call(bySession(id), 'GET', '/api/tokens')).json(), []);
    const again = await call(bySession(id), 'DELETE', `/api/tokens/${token.id}`);
    assert.deepEqual([again.statusCode, again.json()], [404, { code: 602, errors: ['could not find requested object'] }]);
  });

  test("a user neither sees nor revokes another user's tokens", async (t) => {
    const { call, createUser } = await build(t);
    const [alice, bob] = [await createUser(), await createUser()];
    const token = (await call(bySession(alice), 'POST', '/api/tokens', { name: 'a', expiresAt: inDays(1), scope: { access: 'read' } })).json<CreatedApiToken>();
    assert.deepEqual((await call(bySession(bob), 'GET', '/api/tokens')).json(), []);
    assert.equal((await call(bySession(bob), 'DELETE', `/api/tokens/${token.id}`)).statusCode, 404);
    assert.equal((await call(asGateway, 'POST', InternalRoutes.verifyApiToken, { token: token.token })).statusCode, 200);
  });

  test('an expiry is required, in the future and at most 366 days ahead; the scope is checked', async (t) => {
    const { call, createUser } = await build(t);
    const id = await createUser();
    const cases: Array<[object, number, string]> = [
      [{ name: 'x', scope: { access: 'read' } }, 422, 'required validation failed'],
      [{ name: 'x', expiresAt: inDays(-1), scope: { access: 'read' } }, 422, 'expiresAt validation failed'],
      [{ name: 'x', expiresAt: inDays(367), scope: { access: 'read' } }, 422, 'expiresAt validation failed'],
      [{ name: 'x', expiresAt: 'next week', scope: { access: 'read' } }, 422, 'datetime validation failed'],
      [{ name: 'x', expiresAt: inDays(1), scope: { access: 'admin' } }, 422, 'oneof validation failed'],
      [{ name: 'x', expiresAt: inDays(1), scope: { access: 'read', namespaces: [] } }, 422, 'min validation failed'],
      [{ name: 'x', expiresAt: inDays(1), scope: { access: 'read', namespaces: ['Not A Namespace'] } }, 422, 'namespace validation failed'],
      [{ name: '', expiresAt: inDays(1), scope: { access: 'read' } }, 422, 'required validation failed'],
    ];
    for (const [body, status, message] of cases) {
      const reply = await call(bySession(id), 'POST', '/api/tokens', body);
      assert.deepEqual([reply.statusCode, reply.json()], [status, { code: 601, errors: [message] }], JSON.stringify(body));
    }
    const unknownKey = await call(bySession(id), 'POST', '/api/tokens', { name: 'x', expiresAt: inDays(1), scope: { access: 'read', verbs: ['*'] } });
    assert.equal(unknownKey.statusCode, 400);
    assert.equal((await call(bySession(id), 'POST', '/api/tokens', { name: 'x', expiresAt: inDays(366), scope: { access: 'write' } })).statusCode, 201);
  });

  test('a token cannot make or revoke tokens, nor change the password or kubeconfig, even if it reached the service', async (t) => {
    const { call, createUser } = await build(t);
    const id = await createUser();
    const refused = { code: 612, errors: ['token lacks scope session'] };
    const requests: Array<[method: 'POST' | 'PUT' | 'DELETE', url: string, body?: object]> = [
      ['POST', '/api/tokens', { name: 'x', expiresAt: inDays(1), scope: { access: 'read' } }],
      ['DELETE', `/api/tokens/${'0'.repeat(16)}`],
      ['PUT', `/api/users/${id}`, { allowedContexts: [] }],
      ['DELETE', `/api/users/${id}`, { password: 'correct horse battery staple' }],
    ];
    for (const [method, url, body] of requests) {
      const reply = await call(byToken(id), method, url, body);
      assert.deepEqual([reply.statusCode, reply.json()], [403, refused], `${method} ${url}`);
    }
    assert.equal((await call(byToken(id), 'GET', '/api/tokens')).statusCode, 200);
  });
});

describe('POST /internal/tokens/verify', () => {
  test("answers a live token's user and scope, marks its use, and refuses it once revoked, expired or its user deleted", async (t) => {
    let now = Date.now();
    const { call, createUser } = await build(t, { now: () => new Date(now) });
    const id = await createUser();
    const create = async () =>
      (
        await call(bySession(id), 'POST', '/api/tokens', { name: 't', expiresAt: inDays(2, now), scope: { access: 'write', releases: ['web'] } })
      ).json<CreatedApiToken>();
    const verify = (token: string) => call(asGateway, 'POST', InternalRoutes.verifyApiToken, { token });

    const token = await create();
    const verified = await verify(token.token);
    assert.deepEqual(
      [verified.statusCode, verified.json()],
      [200, { tokenId: token.id, userId: id, scope: { access: 'write', releases: ['web'] }, expiresAt: token.expiresAt }],
    );
    const used = (await call(bySession(id), 'GET', '/api/tokens')).json<ApiToken[]>()[0]!;
    assert.equal(used.lastUsedAt, new Date(now).toISOString());

    const tampered = `${token.token.slice(0, -1)}${token.token.endsWith('A') ? 'B' : 'A'}`;
    for (const bad of [tampered, 'prt_short', `prt_${'0'.repeat(16)}_${'a'.repeat(43)}`, '']) {
      const reply = await verify(bad);
      assert.deepEqual([reply.statusCode, reply.json()], [401, invalidToken], bad);
    }

    now += 2 * dayMs;
    assert.deepEqual((await verify(token.token)).json(), invalidToken, 'expired');
    now = Date.now();

    const second = await create();
    assert.equal((await call(bySession(id), 'DELETE', `/api/tokens/${second.id}`)).statusCode, 204);
    assert.deepEqual((await verify(second.token)).json(), invalidToken, 'revoked');

    const third = await create();
    assert.equal((await call(bySession(id), 'DELETE', `/api/users/${id}`, { password: 'correct horse battery staple' })).statusCode, 204);
    assert.deepEqual((await verify(third.token)).json(), invalidToken, 'user deleted');
  });

  test('only the gateway may verify tokens', async (t) => {
    const { call } = await build(t);
    for (const identity of [asReleases, asUser(1), null]) {
      const reply = await call(identity, 'POST', InternalRoutes.verifyApiToken, { token: 'prt_x' });
      assert.deepEqual([reply.statusCode, reply.body], [403, 'Forbidden']);
    }
  });
});
