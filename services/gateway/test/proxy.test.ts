import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { IdentityHeader } from '@platform/contracts';
import { signIdentity } from '@platform/service-kit';
import { sessionCredential } from '../src/sessions/session-cookies.js';
import { login, signUp, signingSecret, startTestGateway, type Echo, type TestGateway } from './support.js';

let gateway: TestGateway;
let alice: { id: number; cookie: string };
let bob: { id: number; cookie: string };
before(async () => {
  gateway = await startTestGateway();
  alice = await signUp(gateway, 'alice@example.com');
  bob = await signUp(gateway, 'bob@example.com');
});
after(async () => {
  await gateway.close();
});

/** The identity the gateway signs for a session: the user, and the session named by a hash of its id. */
const asSession = (user: { id: number; cookie: string }) => ({
  kind: 'user',
  userId: user.id,
  credential: sessionCredential(user.cookie.slice(user.cookie.indexOf('=') + 1)),
});

const get = (url: string, cookie?: string, headers: Record<string, string> = {}) =>
  gateway.app.inject({ method: 'GET', url, headers: { ...headers, ...(cookie ? { cookie } : {}) } });

/** A GET whose path is sent byte for byte (URL parsers would resolve its dot segments first). */
function rawGet(address: string, path: string, cookie: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(`${address}/`, { path, headers: { cookie } }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

describe('GET /api/auth/check', () => {
  test("is the logged-in user's own GET /api/users/{id}, signed as that user", async () => {
    for (const user of [alice, bob]) {
      const reply = await get('/api/auth/check', user.cookie);
      assert.equal(reply.statusCode, 200);
      const echo = reply.json<Echo>();
      assert.deepEqual([echo.method, echo.url, echo.identity], ['GET', `/api/users/${user.id}`, asSession(user)]);
    }
  });

  test('without a live session it is 403 plain Forbidden, and nothing reaches the users service', async () => {
    for (const cookie of [undefined, 'porter_session=invented-session-id']) {
      const reply = await get('/api/auth/check', cookie);
      assert.deepEqual([reply.statusCode, reply.body], [403, 'Forbidden']);
    }
  });

  test('only GET is a route', async () => {
    for (const method of ['POST', 'PUT', 'DELETE'] as const) {
      const reply = await gateway.app.inject({ method, url: '/api/auth/check', headers: { cookie: alice.cookie }, payload: {} });
      assert.equal(reply.statusCode, 404, method);
    }
  });
});

describe('authorization of /api/users/{id}', () => {
  test('a user reaches their own id, with the path and query unchanged', async () => {
    const reply = await get(`/api/users/${alice.id}/contexts?x=1&x=2`, alice.cookie);
    assert.equal(reply.statusCode, 200);
    const echo = reply.json<Echo>();
    assert.equal(echo.url, `/api/users/${alice.id}/contexts?x=1&x=2`);
    assert.deepEqual(echo.identity, asSession(alice));
  });

  test("another user's id is 403 plain Forbidden", async () => {
    for (const method of ['GET', 'PUT', 'DELETE'] as const) {
      const reply = await gateway.app.inject({
        method,
        url: `/api/users/${bob.id}`,
        headers: { cookie: alice.cookie },
        payload: method === 'GET' ? undefined : {},
      });
      assert.deepEqual([reply.statusCode, reply.body], [403, 'Forbidden'], method);
    }
  });

  test('a non-numeric id from a logged-in user is 400/600', async () => {
    for (const id of ['abc', '-1', '1.5', '99999999999999999999', '%31']) {
      const reply = await get(`/api/users/${id}`, alice.cookie);
      assert.equal(reply.statusCode, 400, id);
      assert.deepEqual(reply.json(), { code: 600, errors: ['could not process request'] });
    }
  });

  test('without a session every proxied route is 403 plain Forbidden', async () => {
    for (const url of [
      `/api/users/${alice.id}`,
      '/api/users/abc',
      '/api/releases',
      '/api/releases/web/history',
      '/api/k8s/namespaces',
      '/api/charts/versions',
    ]) {
      const reply = await get(url);
      assert.deepEqual([reply.statusCode, reply.body], [403, 'Forbidden'], url);
      assert.match(String(reply.headers['content-type']), /^text\/plain/);
    }
  });

  test('dot segments cannot leave the authorized path', async () => {
    // inject may normalize a plain `..` itself (then the other id is refused); encoded ones reach our check.
    for (const url of [`/api/users/${alice.id}/../${bob.id}`, `/api/users/${alice.id}/%2e%2e/${bob.id}`, `/api/users/${alice.id}/%2E%2e`]) {
      const reply = await get(url, alice.cookie);
      assert.ok([400, 403].includes(reply.statusCode), `${url}: ${reply.statusCode}`);
    }
    // Over a real socket the path arrives as written, and the gateway refuses it itself.
    const address = await gateway.app.listen({ host: '127.0.0.1', port: 0 });
    const raw = await rawGet(address, `/api/users/${alice.id}/%2e%2e/${bob.id}`, alice.cookie);
    assert.deepEqual(raw, { status: 400, body: JSON.stringify({ code: 600, errors: ['could not process request'] }) });
  });
});

describe('proxying', () => {
  test('releases and k8s routes reach the releases service with a valid signed identity', async () => {
    for (const url of ['/api/releases?context=admin&namespace=default', '/api/releases/web/0?context=admin', '/api/k8s/namespaces?context=admin']) {
      const reply = await get(url, bob.cookie);
      assert.equal(reply.statusCode, 200, url);
      const echo = reply.json<Echo>();
      assert.equal(echo.url, url);
      // The stand-in refuses anything unsigned, so an echo proves the signature; check the identity too.
      assert.deepEqual(echo.identity, asSession(bob));
      assert.equal(echo.headers[IdentityHeader.identity], `user:${bob.id};session:${asSession(bob).credential.id}`);
    }
  });

  test('a POST body reaches the service as sent', async () => {
    const reply = await gateway.app.inject({
      method: 'POST',
      url: '/api/releases/web/upgrade?context=admin',
      headers: { cookie: alice.cookie, 'content-type': 'application/json' },
      payload: JSON.stringify({ values: 'replicas: 2' }),
    });
    assert.equal(reply.statusCode, 200);
    const echo = reply.json<Echo>();
    assert.equal(echo.method, 'POST');
    assert.deepEqual(echo.body, { values: 'replicas: 2' });
  });

  test("identity headers a client sends are dropped; the request id is the gateway's; the cookie stays behind", async () => {
    const forged = signIdentity(signingSecret, { kind: 'user', userId: bob.id }, { audience: 'users', method: 'GET', url: `/api/users/${bob.id}` });
    const reply = await get(`/api/users/${alice.id}`, alice.cookie, {
      ...forged,
      authorization: 'Bearer ',
      'x-platform-extra': 'forged',
      [IdentityHeader.requestId]: 'client-chosen-id',
    });
    const echo = reply.json<Echo>();
    assert.deepEqual(echo.identity, asSession(alice));
    assert.notEqual(echo.headers[IdentityHeader.signature], forged[IdentityHeader.signature]);
    assert.equal(echo.headers['x-platform-extra'], undefined);
    assert.equal(echo.headers.cookie, undefined);
    // The session is named by a hash: the cookie's value (the secret) reaches no service.
    assert.ok(!String(echo.headers[IdentityHeader.identity]).includes(alice.cookie.split('=')[1]!));
    assert.equal(echo.headers.authorization, undefined);
    assert.match(String(echo.headers[IdentityHeader.requestId]), /^[0-9a-f-]{36}$/);
    assert.notEqual(echo.headers[IdentityHeader.requestId], 'client-chosen-id');
  });

  test('/internal is never proxied', async () => {
    for (const url of ['/internal/users', '/internal/credentials/verify']) {
      const reply = await gateway.app.inject({ method: 'POST', url, headers: { cookie: alice.cookie }, payload: {} });
      assert.deepEqual([reply.statusCode, reply.json()], [404, { code: 602, errors: ['could not find requested object'] }], url);
    }
  });
});

describe('deleting oneself', () => {
  test("a 204 from the users service ends all of the user's sessions at once", async () => {
    const carol = await signUp(gateway, 'carol@example.com');
    const otherDevice = (await login(gateway, 'carol@example.com')).cookies.find((entry) => entry.name === 'porter_session');
    assert.ok(otherDevice);
    const reply = await gateway.app.inject({
      method: 'DELETE',
      url: `/api/users/${carol.id}`,
      headers: { cookie: carol.cookie, 'content-type': 'application/json' },
      payload: JSON.stringify({ password: 'correct horse' }),
    });
    assert.equal(reply.statusCode, 204);
    assert.equal(reply.cookies.find((entry) => entry.name === 'porter_session')?.value, '');
    assert.equal((await get(`/api/users/${carol.id}`, carol.cookie)).statusCode, 403);
    assert.equal((await get(`/api/users/${carol.id}`, `porter_session=${otherDevice.value}`)).statusCode, 403);
    assert.equal((await get(`/api/users/${alice.id}`, alice.cookie)).statusCode, 200, 'other users stay logged in');
  });
});

describe('an unreachable service', () => {
  test("is 503 in the contract's shape", async () => {
    await gateway.releases.server.close();
    const reply = await get('/api/releases?context=admin', alice.cookie);
    assert.equal(reply.statusCode, 503);
    assert.deepEqual(reply.json(), { code: 503, errors: ['service unavailable'] });
  });

  test("login and sign-up with the users service away are 503 in the contract's shape", async () => {
    await gateway.users.server.close();
    for (const url of ['/api/login', '/api/users']) {
      const reply = await gateway.app.inject({ method: 'POST', url, payload: { email: 'alice@example.com', password: 'correct horse' } });
      assert.deepEqual([reply.statusCode, reply.json()], [503, { code: 503, errors: ['service unavailable'] }], url);
    }
  });
});
