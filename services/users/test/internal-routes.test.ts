import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { IdentitySignature, InternalRoutes } from '@platform/contracts';
import { signIdentity } from '@platform/service-kit';
import { asGateway, asReleases, asUser, build, kubeconfigYaml } from './helper.js';

const password = 'correct horse battery staple';
const validation = (message: string) => ({ code: 601, errors: [message] });

describe('POST /internal/users', () => {
  test('creates users with sequential ids; emails are unique case-insensitively', async (t) => {
    const { call } = await build(t);
    const first = await call(asGateway, 'POST', InternalRoutes.createUser, { email: '  Mixed.Case@Example.com ', password });
    assert.equal(first.statusCode, 201);
    const { id } = first.json();
    assert.ok(Number.isSafeInteger(id) && id > 0);
    const second = await call(asGateway, 'POST', InternalRoutes.createUser, { email: 'other@example.com', password });
    assert.deepEqual(second.json(), { id: id + 1 });
    const taken = await call(asGateway, 'POST', InternalRoutes.createUser, { email: 'mixed.case@EXAMPLE.COM', password: 'another one' });
    assert.equal(taken.statusCode, 422);
    assert.deepEqual(taken.json(), validation('email already taken'));
  });

  test('concurrent sign-ups with one email create exactly one user', async (t) => {
    const { call } = await build(t);
    const responses = await Promise.all(
      ['race@example.com', 'RACE@example.com', 'Race@Example.com'].map((email) => call(asGateway, 'POST', InternalRoutes.createUser, { email, password })),
    );
    assert.deepEqual(responses.map((response) => response.statusCode).sort(), [201, 422, 422]);
  });

  test('invalid and missing fields are 422/601 with the rule; wrong types are 400/600', async (t) => {
    const { call } = await build(t);
    const cases: Array<[unknown, number, unknown]> = [
      [{ email: 'notanemail', password }, 422, validation('email validation failed')],
      [{ password }, 422, validation('required validation failed')],
      [{ email: 'a@example.com' }, 422, validation('required validation failed')],
      [{ email: '', password }, 422, validation('required validation failed')],
      [{ email: { $gt: '' }, password }, 400, { code: 600, errors: ['could not process request'] }],
      [{ email: 'a@example.com', password: 12345 }, 400, { code: 600, errors: ['could not process request'] }],
      ['{"email":', 400, { code: 600, errors: ['could not process request'] }],
    ];
    for (const [body, status, reply] of cases) {
      const response = await call(asGateway, 'POST', InternalRoutes.createUser, body);
      assert.equal(response.statusCode, status, JSON.stringify(body));
      assert.deepEqual(response.json(), reply, JSON.stringify(body));
    }
  });

  test('users may not call internal routes, and unsigned calls are refused', async (t) => {
    const { call, createUser } = await build(t);
    const id = await createUser();
    const requests = [
      ['POST', InternalRoutes.createUser, { email: 'x@example.com', password }],
      ['POST', InternalRoutes.verifyCredentials, { email: 'user1@example.com', password }],
      ['GET', InternalRoutes.userKubeconfig(id), undefined],
      ['GET', InternalRoutes.userKubeconfigVersion(id), undefined],
    ] as const;
    for (const [method, url, body] of requests) {
      for (const identity of [asUser(id), null]) {
        const response = await call(identity, method, url, body);
        assert.equal(response.statusCode, 403, `${method} ${url}`);
        assert.equal(response.body, 'Forbidden');
      }
    }
  });
});

describe('POST /internal/credentials/verify', () => {
  test('answers the id for the right password, whatever the email case; 401 otherwise', async (t) => {
    const { call, createUser } = await build(t);
    const id = await createUser('login@example.com');
    const ok = await call(asGateway, 'POST', InternalRoutes.verifyCredentials, { email: 'LOGIN@example.com', password });
    assert.equal(ok.statusCode, 200);
    assert.deepEqual(ok.json(), { id });
    const wrong = await call(asGateway, 'POST', InternalRoutes.verifyCredentials, { email: 'login@example.com', password: 'nope' });
    assert.equal(wrong.statusCode, 401);
    assert.deepEqual(wrong.json(), { code: 401, errors: ['incorrect password'] });
    const unknown = await call(asGateway, 'POST', InternalRoutes.verifyCredentials, { email: 'nobody@example.com', password });
    assert.equal(unknown.statusCode, 401);
    assert.deepEqual(unknown.json(), { code: 401, errors: ['email not registered'] });
    const operator = await call(asGateway, 'POST', InternalRoutes.verifyCredentials, { email: 'login@example.com', password: { $ne: '' } });
    assert.equal(operator.statusCode, 400);
  });

  test('passwords longer than 72 bytes count in full', async (t) => {
    const { call, createUser } = await build(t);
    const long = 'p'.repeat(100);
    await createUser('long@example.com', long);
    const almost = await call(asGateway, 'POST', InternalRoutes.verifyCredentials, { email: 'long@example.com', password: `${'p'.repeat(99)}q` });
    assert.equal(almost.statusCode, 401);
    assert.equal((await call(asGateway, 'POST', InternalRoutes.verifyCredentials, { email: 'long@example.com', password: long })).statusCode, 200);
  });

  test('an unknown email takes as long as a wrong password (a bcrypt comparison each)', async (t) => {
    // A cost at which bcrypt dominates the request's own time.
    const { call, createUser } = await build(t, { bcryptCost: 8 });
    await createUser('timing@example.com');
    const timeOf = async (email: string) => {
      const started = process.hrtime.bigint();
      await call(asGateway, 'POST', InternalRoutes.verifyCredentials, { email, password: 'wrong' });
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    await timeOf('timing@example.com');
    // Alternated and compared by median, so a burst of load on a shared machine falls on both alike.
    const wrongTimes: number[] = [];
    const unknownTimes: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      wrongTimes.push(await timeOf('timing@example.com'));
      unknownTimes.push(await timeOf('unknown@example.com'));
    }
    const median = (times: number[]) => [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
    const [wrongPassword, unknownEmail] = [median(wrongTimes), median(unknownTimes)];
    // bcrypt dominates both; without the dummy comparison an unknown email would be many times faster.
    assert.ok(unknownEmail > wrongPassword * 0.5, `unknown ${unknownEmail} ms vs wrong ${wrongPassword} ms`);
  });
});

describe('GET /internal/users/:id/kubeconfig and kubeconfig-version', () => {
  test('serves the decrypted kubeconfig, allowed contexts and a version that grows with each change', async (t) => {
    const { call, createUser } = await build(t);
    const id = await createUser();
    assert.deepEqual((await call(asReleases, 'GET', InternalRoutes.userKubeconfig(id))).json(), {
      userId: id,
      kubeconfigVersion: 0,
      rawKubeConfig: '',
      allowedContexts: [],
    });
    await call(asUser(id), 'PUT', `/api/users/${id}`, { rawKubeConfig: kubeconfigYaml(), allowedContexts: ['beta', 'alpha'] });
    const kubeconfig = await call(asReleases, 'GET', InternalRoutes.userKubeconfig(id));
    assert.equal(kubeconfig.statusCode, 200);
    assert.deepEqual(kubeconfig.json(), { userId: id, kubeconfigVersion: 1, rawKubeConfig: kubeconfigYaml(), allowedContexts: ['alpha', 'beta'] });

    // Sending the same thing again changes nothing, so the version stays.
    await call(asUser(id), 'PUT', `/api/users/${id}`, { rawKubeConfig: kubeconfigYaml(), allowedContexts: ['alpha', 'beta'] });
    assert.deepEqual((await call(asReleases, 'GET', InternalRoutes.userKubeconfigVersion(id))).json(), { userId: id, kubeconfigVersion: 1 });
    await call(asUser(id), 'PUT', `/api/users/${id}`, { allowedContexts: ['alpha'] });
    assert.deepEqual((await call(asReleases, 'GET', InternalRoutes.userKubeconfigVersion(id))).json(), { userId: id, kubeconfigVersion: 2 });
  });

  test('unknown and deleted users are 404/602; bad ids 400/600', async (t) => {
    const { call, createUser } = await build(t);
    const id = await createUser();
    await call(asUser(id), 'DELETE', `/api/users/${id}`, { password });
    for (const url of [InternalRoutes.userKubeconfig(id), InternalRoutes.userKubeconfigVersion(id), InternalRoutes.userKubeconfig(999)]) {
      const response = await call(asReleases, 'GET', url);
      assert.equal(response.statusCode, 404, url);
      assert.deepEqual(response.json(), { code: 602, errors: ['could not find requested object'] });
    }
    const bad = await call(asReleases, 'GET', InternalRoutes.userKubeconfig('12abc'));
    assert.deepEqual([bad.statusCode, bad.json()], [400, { code: 600, errors: ['could not process request'] }]);
    const deletedLogin = await call(asGateway, 'POST', InternalRoutes.verifyCredentials, { email: 'user1@example.com', password });
    assert.deepEqual(deletedLogin.json(), { code: 401, errors: ['email not registered'] });
  });
});

describe('health', () => {
  test('/livez and /readyz answer without a signature; NATS being down is reported but keeps the service ready', async (t) => {
    const { call } = await build(t, { degraded: { eventBus: () => false } });
    assert.equal((await call(null, 'GET', '/livez')).statusCode, 200);
    const ready = await call(null, 'GET', '/readyz');
    assert.equal(ready.statusCode, 200);
    assert.deepEqual(ready.json(), { status: 'ok', failing: [], degraded: ['eventBus'] });
  });
});

describe('who may call the internal routes', () => {
  test('kubeconfigs (plaintext credentials) only for the releases service; sign-up and login only for the gateway', async (t) => {
    const { call, createUser } = await build(t);
    const id = await createUser();
    for (const url of [InternalRoutes.userKubeconfig(id), InternalRoutes.userKubeconfigVersion(id)]) {
      for (const caller of [asGateway, asUser(id)]) {
        const refused = await call(caller, 'GET', url);
        assert.deepEqual([refused.statusCode, refused.body], [403, 'Forbidden'], `${JSON.stringify(caller)} ${url}`);
      }
      assert.equal((await call(asReleases, 'GET', url)).statusCode, 200, url);
    }
    for (const url of [InternalRoutes.createUser, InternalRoutes.verifyCredentials]) {
      const refused = await call(asReleases, 'POST', url, { email: 'user1@example.com', password });
      assert.deepEqual([refused.statusCode, refused.body], [403, 'Forbidden'], url);
    }
  });

  test('an identity signed for another service, expired or from the future is refused', async (t) => {
    const { app, createUser, secret } = await build(t);
    const id = await createUser();
    const url = InternalRoutes.userKubeconfig(id);
    const signed = (audience: 'users' | 'releases', ageMs: number) =>
      app.inject({ method: 'GET', url, headers: signIdentity(secret, asReleases, { audience, method: 'GET', url }, Date.now() - ageMs) });
    assert.equal((await signed('releases', 0)).statusCode, 403, 'signed for the releases service');
    assert.equal((await signed('users', IdentitySignature.maxAgeMs + 1_000)).statusCode, 403, 'expired');
    assert.equal((await signed('users', -IdentitySignature.futureSkewMs - 1_000)).statusCode, 403, 'from the future');
    assert.equal((await signed('users', IdentitySignature.maxAgeMs - 2_000)).statusCode, 200, 'young enough');
  });
});
