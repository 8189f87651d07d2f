import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { signIdentity } from '@platform/service-kit';
import { ErrorCode } from '@platform/contracts';
import { asGateway, asReleases, asUser, build, kubeconfigJson, kubeconfigYaml } from './helper.js';

const notFound = { code: 602, errors: ['could not find requested object'] };
const couldNotProcess = { code: 600, errors: ['could not process request'] };
const password = 'correct horse battery staple';

describe('GET /api/users/:id', () => {
  test('returns the user with no contexts and no kubeconfig after sign-up', async (t) => {
    const { call, createUser } = await build(t);
    const id = await createUser('Reader@Example.COM');
    const response = await call(asUser(id), 'GET', `/api/users/${id}`);
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { id, email: 'reader@example.com', contexts: [], rawKubeConfig: '' });
  });

  test('non-numeric, negative, fractional and huge ids are 400/600', async (t) => {
    const { call, createUser } = await build(t);
    const id = await createUser();
    for (const bad of ['abc', '-1', '1.5', '1e3', '99999999999999999999', '0x10']) {
      const response = await call(asUser(id), 'GET', `/api/users/${bad}`);
      assert.equal(response.statusCode, 400, bad);
      assert.deepEqual(response.json(), couldNotProcess, bad);
    }
  });

  test('refuses requests without, with a forged or with an expired signature, with plain 403 Forbidden', async (t) => {
    const { app, call, createUser, secret } = await build(t);
    const id = await createUser();
    const url = `/api/users/${id}`;
    const unsigned = await call(null, 'GET', url);
    const forged = await app.inject({ method: 'GET', url, headers: signIdentity('x'.repeat(64), asUser(id), { audience: 'users', method: 'GET', url }) });
    const expired = await app.inject({
      method: 'GET',
      url,
      headers: signIdentity(secret, asUser(id), { audience: 'users', method: 'GET', url }, Date.now() - 60_000),
    });
    const otherUrl = await app.inject({
      method: 'GET',
      url,
      headers: signIdentity(secret, asUser(id), { audience: 'users', method: 'GET', url: `${url}/contexts` }),
    });
    for (const response of [unsigned, forged, expired, otherUrl]) {
      assert.equal(response.statusCode, 403);
      assert.equal(response.body, 'Forbidden');
      assert.match(String(response.headers['content-type']), /^text\/plain/);
    }
  });

  test("another user's id is 403 and a service identity may not use the public routes", async (t) => {
    const { call, createUser } = await build(t);
    const mine = await createUser();
    const theirs = await createUser();
    for (const [method, body] of [
      ['GET', undefined],
      ['PUT', { allowedContexts: [] }],
      ['DELETE', {}],
    ] as const) {
      const response = await call(asUser(mine), method, `/api/users/${theirs}`, body);
      assert.equal(response.statusCode, 403, method);
      assert.equal(response.body, 'Forbidden');
    }
    assert.equal((await call(asUser(mine), 'GET', `/api/users/${theirs}/contexts`)).statusCode, 403);
    for (const service of [asGateway, asReleases]) assert.equal((await call(service, 'GET', `/api/users/${mine}`)).statusCode, 403);
  });

  test('a user that does not exist (or no longer) is 404/602', async (t) => {
    const { call } = await build(t);
    const response = await call(asUser(4242), 'GET', '/api/users/4242');
    assert.equal(response.statusCode, 404);
    assert.deepEqual(response.json(), notFound);
    assert.deepEqual((await call(asUser(4242), 'GET', '/api/users/4242/contexts')).json(), notFound);
    assert.deepEqual((await call(asUser(4242), 'PUT', '/api/users/4242', {})).json(), notFound);
  });
});

describe('PUT /api/users/:id and GET /api/users/:id/contexts', () => {
  test('stores a kubeconfig, lists usable contexts sorted, and intersects allowed contexts', async (t) => {
    const { call, createUser } = await build(t);
    const id = await createUser();
    const url = `/api/users/${id}`;
    const put = await call(asUser(id), 'PUT', url, { rawKubeConfig: kubeconfigYaml(), allowedContexts: ['beta', 'orphan', 'nope'] });
    assert.equal(put.statusCode, 204);
    assert.equal(put.body, '');

    const user = (await call(asUser(id), 'GET', url)).json();
    assert.deepEqual(user, { id, email: 'user1@example.com', contexts: ['beta'], rawKubeConfig: kubeconfigYaml() });

    const contexts = await call(asUser(id), 'GET', `${url}/contexts`);
    assert.equal(contexts.statusCode, 200);
    assert.deepEqual(contexts.json(), [
      { name: 'alpha', server: 'https://alpha.example.com:6443', cluster: 'alpha-cluster', user: 'alpha-user', selected: false, usable: true },
      { name: 'beta', server: 'https://beta.example.com', cluster: 'beta-cluster', user: 'beta-user', selected: true, usable: true },
    ]);
  });

  test('a missing kubeconfig keeps the stored one, a missing list keeps the list, [] clears it', async (t) => {
    const { call, createUser } = await build(t);
    const id = await createUser();
    const url = `/api/users/${id}`;
    await call(asUser(id), 'PUT', url, { rawKubeConfig: kubeconfigYaml(), allowedContexts: ['alpha', 'beta'] });

    assert.equal((await call(asUser(id), 'PUT', url, { allowedContexts: ['alpha'] })).statusCode, 204);
    assert.deepEqual((await call(asUser(id), 'GET', url)).json().contexts, ['alpha']);
    assert.equal((await call(asUser(id), 'GET', url)).json().rawKubeConfig, kubeconfigYaml());

    assert.equal((await call(asUser(id), 'PUT', url, { rawKubeConfig: '' })).statusCode, 204);
    assert.deepEqual((await call(asUser(id), 'GET', url)).json(), { id, email: 'user1@example.com', contexts: ['alpha'], rawKubeConfig: kubeconfigYaml() });

    assert.equal((await call(asUser(id), 'PUT', url, { allowedContexts: [] })).statusCode, 204);
    assert.deepEqual((await call(asUser(id), 'GET', url)).json().contexts, []);
  });

  test('a new kubeconfig drops allowed contexts it does not have; JSON kubeconfigs parse too', async (t) => {
    const { call, createUser } = await build(t);
    const id = await createUser();
    const url = `/api/users/${id}`;
    await call(asUser(id), 'PUT', url, { rawKubeConfig: kubeconfigYaml(), allowedContexts: ['alpha'] });
    assert.equal((await call(asUser(id), 'PUT', url, { rawKubeConfig: kubeconfigJson() })).statusCode, 204);
    assert.deepEqual((await call(asUser(id), 'GET', url)).json().contexts, []);
    assert.equal((await call(asUser(id), 'PUT', url, { allowedContexts: ['gamma', 'alpha'] })).statusCode, 204);
    assert.deepEqual((await call(asUser(id), 'GET', `${url}/contexts`)).json(), [
      { name: 'gamma', server: 'https://gamma.example.com', cluster: 'g', user: 'g-user', selected: true, usable: true },
    ]);
  });

  test('contexts the platform cannot use say why, and may not be allowed (422/601 naming them)', async (t) => {
    const { call, createUser } = await build(t);
    const id = await createUser();
    const url = `/api/users/${id}`;
    const withExec = kubeconfigYaml().replace(
      '- name: beta-user\n  user:\n    token: secret-token-beta',
      '- name: beta-user\n  user:\n    exec: { apiVersion: client.authentication.k8s.io/v1, command: gke-gcloud-auth-plugin }',
    );
    assert.notEqual(withExec, kubeconfigYaml());
    // Storing such a kubeconfig is fine: its usable contexts can still be allowed.
    assert.equal((await call(asUser(id), 'PUT', url, { rawKubeConfig: withExec, allowedContexts: ['alpha'] })).statusCode, 204);
    const contexts = (await call(asUser(id), 'GET', `${url}/contexts`)).json();
    assert.deepEqual(contexts[0], {
      name: 'alpha',
      server: 'https://alpha.example.com:6443',
      cluster: 'alpha-cluster',
      user: 'alpha-user',
      selected: true,
      usable: true,
    });
    assert.equal(contexts[1].usable, false);
    assert.match(contexts[1].unusableReason, /^user field exec runs a program/);

    const refused = await call(asUser(id), 'PUT', url, { allowedContexts: ['alpha', 'beta'] });
    assert.equal(refused.statusCode, 422);
    assert.equal(refused.json().code, ErrorCode.ValidationFailed);
    assert.match(refused.json().errors[0], /^kubeconfig validation failed: context beta cannot be used: user field exec runs a program/);
    assert.deepEqual((await call(asUser(id), 'GET', url)).json().contexts, ['alpha'], 'nothing was stored');

    // A new kubeconfig that makes a kept allowed context unusable is refused too, and the old one stays.
    await call(asUser(id), 'PUT', url, { rawKubeConfig: kubeconfigYaml(), allowedContexts: ['beta'] });
    assert.equal((await call(asUser(id), 'PUT', url, { rawKubeConfig: withExec })).statusCode, 422);
    assert.equal((await call(asUser(id), 'GET', url)).json().rawKubeConfig, kubeconfigYaml());
  });

  test('no stored kubeconfig lists no contexts and allows none', async (t) => {
    const { call, createUser } = await build(t);
    const id = await createUser();
    assert.deepEqual((await call(asUser(id), 'GET', `/api/users/${id}/contexts`)).json(), []);
    assert.equal((await call(asUser(id), 'PUT', `/api/users/${id}`, { allowedContexts: ['alpha'] })).statusCode, 204);
    assert.deepEqual((await call(asUser(id), 'GET', `/api/users/${id}`)).json().contexts, []);
  });

  test('an unparseable kubeconfig is 400/600 and keeps the stored one', async (t) => {
    const { call, createUser } = await build(t);
    const id = await createUser();
    const url = `/api/users/${id}`;
    await call(asUser(id), 'PUT', url, { rawKubeConfig: kubeconfigYaml(), allowedContexts: ['alpha'] });
    const unparseable = [
      'just words',
      'clusters: [ unclosed',
      'clusters:\n- cluster: { server: https://x }\n',
      '{"contexts": [{"name": "x"}]}',
      '42',
      '- a\n- b\n',
    ];
    for (const rawKubeConfig of unparseable) {
      const response = await call(asUser(id), 'PUT', url, { rawKubeConfig });
      assert.equal(response.statusCode, 400, rawKubeConfig);
      assert.deepEqual(response.json(), couldNotProcess, rawKubeConfig);
    }
    assert.deepEqual((await call(asUser(id), 'GET', url)).json(), { id, email: 'user1@example.com', contexts: ['alpha'], rawKubeConfig: kubeconfigYaml() });
  });

  test('concurrent updates of one user lose nothing: every change gets the next version and its own event', async (t) => {
    const { call, createUser, connection } = await build(t);
    const id = await createUser();
    const url = `/api/users/${id}`;
    await call(asUser(id), 'PUT', url, { rawKubeConfig: kubeconfigYaml() });
    // More writers than the compare-and-set's attempts: each must still get through.
    const lists = Array.from({ length: 4 }, () => [['alpha'], ['beta'], ['alpha', 'beta'], []]).flat();
    const responses = await Promise.all(lists.map((allowedContexts) => call(asUser(id), 'PUT', url, { allowedContexts })));
    assert.deepEqual(new Set(responses.map((response) => response.statusCode)), new Set([204]));
    const stored = await connection.collection('users').findOne({ _id: id as never });
    const versions = stored?.pendingEvents.map((event: { kubeconfigVersion: number }) => event.kubeconfigVersion);
    assert.deepEqual(
      versions,
      Array.from({ length: stored?.kubeconfigVersion }, (_, index) => index + 1),
    );
    assert.ok(stored?.kubeconfigVersion >= 2);
  });

  test('concurrent sign-ups get distinct sequential ids', async (t) => {
    const { createUser } = await build(t);
    const ids = await Promise.all(Array.from({ length: 8 }, (_, index) => createUser(`parallel${index}@example.com`)));
    const sorted = [...ids].sort((a, b) => a - b);
    assert.deepEqual(
      sorted,
      Array.from({ length: 8 }, (_, index) => sorted[0]! + index),
    );
  });

  test('the stored document never holds the kubeconfig in plain text', async (t) => {
    const { call, createUser, connection } = await build(t);
    const id = await createUser();
    await call(asUser(id), 'PUT', `/api/users/${id}`, { rawKubeConfig: kubeconfigYaml(), allowedContexts: ['alpha'] });
    const stored = await connection.collection('users').findOne({ _id: id as never });
    assert.ok(stored);
    const text = JSON.stringify(stored);
    for (const secret of ['secret-token-alpha', 'alpha.example.com', 'apiVersion', password]) assert.ok(!text.includes(secret), secret);
    assert.equal(stored.kubeconfig.keyId, 'test1');
    assert.equal(Buffer.from(stored.kubeconfig.iv, 'base64').length, 12);
    assert.equal(Buffer.from(stored.kubeconfig.tag, 'base64').length, 16);
    assert.match(stored.passwordHash, /^\$2[aby]\$04\$/);
  });

  test('hostile input gets the contract shape: wrong types, operator objects, invalid JSON, oversized bodies', async (t) => {
    const { call, createUser } = await build(t);
    const id = await createUser();
    const url = `/api/users/${id}`;
    const cases: Array<[unknown, number]> = [
      [{ rawKubeConfig: 42 }, 400],
      [{ rawKubeConfig: { $gt: '' } }, 400],
      [{ allowedContexts: 'alpha' }, 400],
      [{ allowedContexts: [{ $ne: null }] }, 400],
      [{ allowedContexts: [''] }, 422],
      ['{"rawKubeConfig": ', 400],
      ['[]', 400],
      [{ rawKubeConfig: 'x'.repeat(1024 * 1024 + 1) }, 422],
    ];
    for (const [body, status] of cases) {
      const response = await call(asUser(id), 'PUT', url, body);
      assert.equal(response.statusCode, status, JSON.stringify(body).slice(0, 80));
      assert.equal(typeof response.json().code, 'number');
      assert.ok(Array.isArray(response.json().errors));
    }
    const huge = await call(asUser(id), 'PUT', url, { rawKubeConfig: 'x'.repeat(4 * 1024 * 1024) });
    assert.equal(huge.statusCode, 413);
    assert.deepEqual(huge.json(), { code: 600, errors: ['request body too large'] });
    assert.deepEqual((await call(asUser(id), 'GET', url)).json().rawKubeConfig, '');
  });
});

describe('DELETE /api/users/:id', () => {
  test('checks the password: wrong is 400/601, missing is 422/601, right is 204 and the user is gone', async (t) => {
    const { call, createUser } = await build(t);
    const id = await createUser('gone@example.com');
    const url = `/api/users/${id}`;
    const wrong = await call(asUser(id), 'DELETE', url, { password: 'not it' });
    assert.equal(wrong.statusCode, 400);
    assert.deepEqual(wrong.json(), { code: 601, errors: ['invalid password'] });
    for (const body of [{}, undefined, { password: '' }]) {
      const missing = await call(asUser(id), 'DELETE', url, body);
      assert.equal(missing.statusCode, 422, JSON.stringify(body));
      assert.deepEqual(missing.json(), { code: 601, errors: ['required validation failed'] });
    }
    assert.equal((await call(asUser(id), 'DELETE', url, { password: { $ne: '' } })).statusCode, 400);

    const deleted = await call(asUser(id), 'DELETE', url, { password });
    assert.equal(deleted.statusCode, 204);
    assert.deepEqual((await call(asUser(id), 'GET', url)).json(), notFound);
    assert.deepEqual((await call(asUser(id), 'DELETE', url, { password })).json(), notFound);
  });

  test('ids are sequential and never reused, and a deleted email can register again', async (t) => {
    const { call, createUser } = await build(t);
    const first = await createUser('again@example.com');
    const second = await createUser();
    assert.equal(second, first + 1);
    assert.equal((await call(asUser(second), 'DELETE', `/api/users/${second}`, { password })).statusCode, 204);
    assert.equal((await call(asUser(first), 'DELETE', `/api/users/${first}`, { password })).statusCode, 204);
    const third = await createUser('AGAIN@example.com');
    assert.equal(third, second + 1);
  });
});
