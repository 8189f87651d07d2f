import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { ErrorCode, ErrorMessage } from '@platform/contracts';
import { signIdentity } from '@platform/service-kit';
import { GatewayClient, signUp } from './support/client.js';
import { sampleKubeconfig } from './support/kubeconfig.js';
import { startPlatform, type Platform } from './support/platform.js';

/** The users and auth half of the API, through the real gateway, against real MongoDB-wire, Redis and NATS. */
let platform: Platform;
const email = (label: string) => `${label}-${randomBytes(4).toString('hex')}@example.test`;

before(async () => {
  platform = await startPlatform();
});
after(async () => {
  await platform?.stop();
});

const couldNotProcess = { code: ErrorCode.BadRequest, errors: [ErrorMessage.couldNotProcess] };

describe('POST /api/users', () => {
  test('creates a user, answers 201 with only the id, and logs them in', async () => {
    const client = new GatewayClient(platform.gatewayUrl);
    const reply = await client.post('/api/users', { email: email('create'), password: 'pw-123456' });
    assert.equal(reply.status, 201);
    const body = reply.json as { id: number };
    assert.deepEqual(body, { id: body.id, email: '', contexts: null, rawKubeConfig: '' });
    assert.ok(Number.isInteger(body.id) && body.id > 0);
    assert.ok(client.cookie, 'session cookie set');
    const me = await client.get(`/api/users/${body.id}`);
    assert.equal(me.status, 200);
  });

  test('ids are sequential and never reused after a deletion', async () => {
    const first = await signUp(platform.gatewayUrl, email('seq'));
    const second = await signUp(platform.gatewayUrl, email('seq'));
    assert.ok(second.id > first.id);
    assert.equal((await second.client.delete(`/api/users/${second.id}`, { password: 'correct horse battery' })).status, 204);
    const third = await signUp(platform.gatewayUrl, email('seq'));
    assert.ok(third.id > second.id, `id ${third.id} reuses or precedes ${second.id}`);
  });

  test('sets the cookie HttpOnly, SameSite=Lax, Path=/', async () => {
    const reply = await new GatewayClient(platform.gatewayUrl).post('/api/users', { email: email('cookie'), password: 'pw' });
    const cookie = reply.headers.getSetCookie().find((header) => header.startsWith('porter_session='));
    assert.ok(cookie);
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Lax/i);
    assert.match(cookie, /Path=\//);
  });

  for (const [label, body, expected] of [
    ['invalid email', { email: 'notanemail', password: 'pw' }, 'email validation failed'],
    ['missing password', { email: 'a@example.test' }, 'required validation failed'],
    ['missing email', { password: 'pw' }, 'required validation failed'],
    ['empty email', { email: '', password: 'pw' }, 'required validation failed'],
  ] as const) {
    test(`${label}: 422/601`, async () => {
      const reply = await new GatewayClient(platform.gatewayUrl).post('/api/users', body);
      assert.equal(reply.status, 422);
      assert.deepEqual(reply.json, { code: 601, errors: [expected] });
    });
  }

  test('email already taken, case-insensitively: 422/601', async () => {
    const address = email('taken');
    await signUp(platform.gatewayUrl, address);
    const reply = await new GatewayClient(platform.gatewayUrl).post('/api/users', { email: address.toUpperCase(), password: 'x' });
    assert.equal(reply.status, 422);
    assert.deepEqual(reply.json, { code: 601, errors: ['email already taken'] });
  });
});

describe('POST /api/login and /api/logout', () => {
  test('logs in with any letter case, with a new session id each time', async () => {
    const address = email('login');
    const { client: first, id } = await signUp(platform.gatewayUrl, address, 'secret-pw');
    const client = new GatewayClient(platform.gatewayUrl);
    const login = await client.post('/api/login', { email: address.toUpperCase(), password: 'secret-pw' });
    assert.equal(login.status, 200);
    assert.deepEqual(login.json, { id, email: '', contexts: null, rawKubeConfig: '' });
    const session1 = client.cookie;
    assert.ok(session1);
    assert.notEqual(session1, first.cookie);
    await client.post('/api/login', { email: address, password: 'secret-pw' });
    assert.ok(client.cookie);
    assert.notEqual(client.cookie, session1, 'login rotates the session id');
    const stale = new GatewayClient(platform.gatewayUrl);
    stale.cookie = session1;
    assert.equal((await stale.get(`/api/users/${id}`)).status, 403, 'the session replaced at login is gone');
    assert.equal((await client.get(`/api/users/${id}`)).status, 200);
  });

  test('unknown email: 401 "email not registered"; wrong password: 401 "incorrect password"', async () => {
    const address = email('wrong');
    await signUp(platform.gatewayUrl, address, 'right-pw');
    const unknown = await new GatewayClient(platform.gatewayUrl).post('/api/login', { email: email('nobody'), password: 'x' });
    assert.equal(unknown.status, 401);
    assert.deepEqual(unknown.json, { code: 401, errors: ['email not registered'] });
    const wrong = await new GatewayClient(platform.gatewayUrl).post('/api/login', { email: address, password: 'wrong-pw' });
    assert.equal(wrong.status, 401);
    assert.deepEqual(wrong.json, { code: 401, errors: ['incorrect password'] });
  });

  test('a session id chosen by the client is never adopted', async () => {
    const client = new GatewayClient(platform.gatewayUrl);
    client.cookie = 'attacker-chosen-session-id';
    const address = email('fixation');
    await signUp(platform.gatewayUrl, address, 'pw');
    const login = await client.post('/api/login', { email: address, password: 'pw' });
    assert.equal(login.status, 200);
    assert.ok(client.cookie);
    assert.notEqual(client.cookie, 'attacker-chosen-session-id');
  });

  test('logout ends the session server-side; logging out again is 403 Forbidden', async () => {
    const { client, id } = await signUp(platform.gatewayUrl, email('logout'));
    const session = client.cookie;
    const logout = await client.post('/api/logout');
    assert.equal(logout.status, 200);
    assert.equal(logout.text, '');
    const replay = new GatewayClient(platform.gatewayUrl);
    replay.cookie = session;
    const after = await replay.get(`/api/users/${id}`);
    assert.equal(after.status, 403);
    assert.equal(after.text, 'Forbidden');
    const again = await replay.post('/api/logout');
    assert.equal(again.status, 403);
    assert.equal(again.text, 'Forbidden');
  });
});

describe('GET /api/auth/check', () => {
  test('a live session: 200 with the user as GET /api/users/{id} shows it; otherwise 403 Forbidden', async () => {
    const anonymous = await new GatewayClient(platform.gatewayUrl).get('/api/auth/check');
    assert.deepEqual([anonymous.status, anonymous.text], [403, 'Forbidden']);

    const address = email('check');
    const { client, id } = await signUp(platform.gatewayUrl, address);
    assert.equal((await client.put(`/api/users/${id}`, { rawKubeConfig: sampleKubeconfig(), allowedContexts: ['prod-ctx'] })).status, 204);
    const check = await client.get('/api/auth/check');
    assert.equal(check.status, 200, check.text);
    assert.deepEqual(check.json, (await client.get(`/api/users/${id}`)).json);
    assert.deepEqual((check.json as { id: number; email: string; contexts: string[] }).contexts, ['prod-ctx']);
    assert.equal((check.json as { email: string }).email, address.toLowerCase());

    const session = client.cookie;
    assert.equal((await client.post('/api/logout')).status, 200);
    const replay = new GatewayClient(platform.gatewayUrl);
    replay.cookie = session;
    const ended = await replay.get('/api/auth/check');
    assert.deepEqual([ended.status, ended.text], [403, 'Forbidden']);
  });
});

describe('GET, PUT /api/users/{id} and contexts', () => {
  test('stores a kubeconfig, intersects allowed contexts and lists contexts', async () => {
    const { client, id } = await signUp(platform.gatewayUrl, email('kube'));
    const kubeconfig = sampleKubeconfig();
    const put = await client.put(`/api/users/${id}`, { rawKubeConfig: kubeconfig, allowedContexts: ['prod-ctx', 'nope-ctx'] });
    assert.equal(put.status, 204);
    const user = await client.get(`/api/users/${id}`);
    assert.equal(user.status, 200);
    const body = user.json as { id: number; email: string; contexts: string[]; rawKubeConfig: string };
    assert.equal(body.id, id);
    assert.match(body.email, /^kube-/);
    assert.deepEqual(body.contexts, ['prod-ctx']);
    assert.equal(body.rawKubeConfig, kubeconfig);

    const contexts = await client.get(`/api/users/${id}/contexts`);
    assert.equal(contexts.status, 200);
    assert.deepEqual(contexts.json, [
      { name: 'prod-ctx', server: 'https://cluster.example.test:6443', cluster: 'prod', user: 'alice', selected: true, usable: true },
      { name: 'staging-ctx', server: 'https://staging.example.test', cluster: 'staging', user: 'alice', selected: false, usable: true },
    ]);

    // A missing kubeconfig keeps the stored one; a new list replaces the old; [] clears it.
    assert.equal((await client.put(`/api/users/${id}`, { allowedContexts: ['staging-ctx'] })).status, 204);
    let again = (await client.get(`/api/users/${id}`)).json as typeof body;
    assert.deepEqual(again.contexts, ['staging-ctx']);
    assert.equal(again.rawKubeConfig, kubeconfig);
    assert.equal((await client.put(`/api/users/${id}`, { rawKubeConfig: '' })).status, 204);
    again = (await client.get(`/api/users/${id}`)).json as typeof body;
    assert.deepEqual(again.contexts, ['staging-ctx']);
    assert.equal((await client.put(`/api/users/${id}`, { allowedContexts: [] })).status, 204);
    again = (await client.get(`/api/users/${id}`)).json as typeof body;
    assert.deepEqual(again.contexts, []);
  });

  test('a new user has no contexts and an empty kubeconfig', async () => {
    const { client, id } = await signUp(platform.gatewayUrl, email('empty'));
    const user = (await client.get(`/api/users/${id}`)).json as { contexts: string[]; rawKubeConfig: string };
    assert.deepEqual(user.contexts, []);
    assert.equal(user.rawKubeConfig, '');
    assert.deepEqual((await client.get(`/api/users/${id}/contexts`)).json, []);
  });

  test('a context whose user runs a program or reads a file is listed unusable, with why, and cannot be allowed', async () => {
    const { client, id } = await signUp(platform.gatewayUrl, email('unusable'));
    const kubeconfig = sampleKubeconfig()
      .replace(
        '- name: staging-ctx\n  context: { cluster: staging, user: alice }',
        '- name: staging-ctx\n  context: { cluster: staging, user: plugin }\n- name: file-ctx\n  context: { cluster: prod, user: on-disk }',
      )
      .replace(
        'contexts:',
        [
          '- name: plugin',
          '  user: { exec: { apiVersion: client.authentication.k8s.io/v1, command: aws } }',
          '- name: on-disk',
          '  user: { token-file: /etc/hostname }',
          'contexts:',
        ].join('\n'),
      );
    assert.equal((await client.put(`/api/users/${id}`, { rawKubeConfig: kubeconfig, allowedContexts: ['prod-ctx'] })).status, 204);
    const contexts = (await client.get(`/api/users/${id}/contexts`)).json as Array<{ name: string; usable: boolean; unusableReason?: string }>;
    assert.deepEqual(
      contexts.map((context) => [context.name, context.usable]),
      [
        ['file-ctx', false],
        ['prod-ctx', true],
        ['staging-ctx', false],
      ],
    );
    assert.match(contexts[0]!.unusableReason ?? '', /^user field token-file names a file on disk/);
    assert.match(contexts[2]!.unusableReason ?? '', /^user field exec runs a program/);
    assert.equal(contexts[1]!.unusableReason, undefined);

    const refused = await client.put(`/api/users/${id}`, { allowedContexts: ['prod-ctx', 'staging-ctx'] });
    assert.equal(refused.status, 422);
    assert.match((refused.json as { errors: string[] }).errors[0]!, /^kubeconfig validation failed: context staging-ctx cannot be used: user field exec /);
    assert.deepEqual(((await client.get(`/api/users/${id}`)).json as { contexts: string[] }).contexts, ['prod-ctx']);
  });

  test('an unparseable kubeconfig is 400/600 and keeps the stored one', async () => {
    const { client, id } = await signUp(platform.gatewayUrl, email('badkube'));
    await client.put(`/api/users/${id}`, { rawKubeConfig: sampleKubeconfig() });
    const reply = await client.put(`/api/users/${id}`, { rawKubeConfig: 'clusters: [[[: not yaml' });
    assert.equal(reply.status, 400);
    assert.deepEqual(reply.json, couldNotProcess);
    const user = (await client.get(`/api/users/${id}`)).json as { rawKubeConfig: string };
    assert.equal(user.rawKubeConfig, sampleKubeconfig());
  });
});

describe('DELETE /api/users/{id}', () => {
  test('wrong password 400/601, missing 422/601, right one 204 and every session ends', async () => {
    const address = email('delete');
    const { client, id } = await signUp(platform.gatewayUrl, address, 'pw-delete');
    const second = new GatewayClient(platform.gatewayUrl);
    await second.post('/api/login', { email: address, password: 'pw-delete' });
    assert.equal((await second.get(`/api/users/${id}`)).status, 200);

    const wrong = await client.delete(`/api/users/${id}`, { password: 'nope' });
    assert.equal(wrong.status, 400);
    assert.deepEqual(wrong.json, { code: 601, errors: ['invalid password'] });
    const missing = await client.delete(`/api/users/${id}`, {});
    assert.equal(missing.status, 422);
    assert.deepEqual(missing.json, { code: 601, errors: ['required validation failed'] });

    assert.equal((await client.delete(`/api/users/${id}`, { password: 'pw-delete' })).status, 204);
    assert.equal((await client.get(`/api/users/${id}`)).status, 403);
    await waitFor(async () => (await second.get(`/api/users/${id}`)).status === 403, 'the other session ends too');
    const login = await new GatewayClient(platform.gatewayUrl).post('/api/login', { email: address, password: 'pw-delete' });
    assert.equal(login.status, 401);
    assert.deepEqual(login.json, { code: 401, errors: ['email not registered'] });
    // The address is free again.
    assert.equal((await new GatewayClient(platform.gatewayUrl).post('/api/users', { email: address, password: 'x' })).status, 201);
  });
});

describe('authorization', () => {
  test('no session: 403 Forbidden on every protected route', async () => {
    const anonymous = new GatewayClient(platform.gatewayUrl);
    for (const [method, path] of [
      ['GET', '/api/users/1'],
      ['GET', '/api/users/1/contexts'],
      ['PUT', '/api/users/1'],
      ['DELETE', '/api/users/1'],
      ['GET', '/api/users/abc'],
      ['POST', '/api/logout'],
      ['GET', '/api/auth/check'],
      ['GET', '/api/releases?context=x'],
      ['GET', '/api/k8s/namespaces?context=x'],
    ] as const) {
      const reply = await anonymous.request(method, path, method === 'PUT' || method === 'DELETE' ? {} : undefined);
      assert.equal(reply.status, 403, `${method} ${path}`);
      assert.equal(reply.text, 'Forbidden', `${method} ${path}`);
    }
  });

  test("another user's id: 403 Forbidden; a non-numeric or huge id: 400/600", async () => {
    const alice = await signUp(platform.gatewayUrl, email('alice'));
    const bob = await signUp(platform.gatewayUrl, email('bob'));
    for (const [method, path] of [
      ['GET', `/api/users/${bob.id}`],
      ['GET', `/api/users/${bob.id}/contexts`],
      ['PUT', `/api/users/${bob.id}`],
      ['DELETE', `/api/users/${bob.id}`],
    ] as const) {
      const reply = await alice.client.request(method, path, method === 'GET' ? undefined : { password: 'correct horse battery' });
      assert.equal(reply.status, 403, `${method} ${path}`);
      assert.equal(reply.text, 'Forbidden');
    }
    assert.equal((await bob.client.get(`/api/users/${bob.id}`)).status, 200, 'bob is untouched');
    for (const id of ['abc', '-1', '1.5', '99999999999999999999999', '0x10']) {
      const reply = await alice.client.get(`/api/users/${id}`);
      assert.equal(reply.status, 400, id);
      assert.deepEqual(reply.json, couldNotProcess, id);
    }
  });

  test('a direct call to a service without a valid signature is refused', async () => {
    const { id } = await signUp(platform.gatewayUrl, email('direct'));
    const url = `${platform.serviceUrl.users}/api/users/${id}`;
    assert.equal((await fetch(url)).status, 403, 'no signature');
    const forged = signIdentity('not-the-secret-'.repeat(4), { kind: 'user', userId: id }, { audience: 'users', method: 'GET', url: `/api/users/${id}` });
    assert.equal((await fetch(url, { headers: forged })).status, 403, 'forged signature');
    const expired = signIdentity(
      platform.signingSecret,
      { kind: 'user', userId: id },
      { audience: 'users', method: 'GET', url: `/api/users/${id}` },
      Date.now() - 120_000,
    );
    assert.equal((await fetch(url, { headers: expired })).status, 403, 'expired signature');
    const otherPath = signIdentity(
      platform.signingSecret,
      { kind: 'user', userId: id },
      { audience: 'users', method: 'GET', url: `/api/users/${id}/contexts` },
    );
    assert.equal((await fetch(url, { headers: otherPath })).status, 403, 'signature for another path');
    const valid = signIdentity(platform.signingSecret, { kind: 'user', userId: id }, { audience: 'users', method: 'GET', url: `/api/users/${id}` });
    assert.equal((await fetch(url, { headers: valid })).status, 200, 'a valid signature passes');
    const releases = await fetch(`${platform.serviceUrl.releases}/api/releases?context=x`);
    assert.equal(releases.status, 403, 'releases service refuses unsigned calls too');
  });

  test('client-sent identity headers are not trusted through the gateway', async () => {
    const alice = await signUp(platform.gatewayUrl, email('spoof'));
    const bob = await signUp(platform.gatewayUrl, email('victim'));
    const forged = signIdentity(platform.signingSecret, { kind: 'user', userId: bob.id }, { audience: 'users', method: 'GET', url: `/api/users/${bob.id}` });
    const reply = await alice.client.request('GET', `/api/users/${bob.id}`, undefined, forged);
    assert.equal(reply.status, 403);
  });

  test('internal routes are not reachable through the gateway', async () => {
    const { client, id } = await signUp(platform.gatewayUrl, email('internal'));
    const reply = await client.get(`/internal/users/${id}/kubeconfig`);
    assert.equal(reply.status, 404);
  });
});

describe('hostile input', () => {
  test('wrong types, operator objects, invalid JSON, oversized bodies and odd content types get 4xx in the contract shape', async () => {
    const { client, id } = await signUp(platform.gatewayUrl, email('hostile'));
    const cases: Array<[string, string, unknown, number]> = [
      ['POST', '/api/login', { email: { $gt: '' }, password: { $gt: '' } }, 400],
      ['POST', '/api/users', { email: ['a@b.test'], password: 1 }, 400],
      ['POST', '/api/login', '{"email": "a@b.test", "password": ', 400],
      ['PUT', `/api/users/${id}`, { rawKubeConfig: { $set: 1 } }, 400],
      ['PUT', `/api/users/${id}`, { allowedContexts: 'prod-ctx' }, 400],
      ['PUT', `/api/users/${id}`, { allowedContexts: [{ $ne: null }] }, 400],
      ['DELETE', `/api/users/${id}`, { password: { $exists: true } }, 400],
      ['POST', '/api/login', 'null', 400],
      ['POST', '/api/login', '[]', 400],
    ];
    for (const [method, path, body, status] of cases) {
      const reply = await client.request(method, path, body);
      assert.equal(reply.status, status, `${method} ${path} ${JSON.stringify(body)}: ${reply.text}`);
      assert.deepEqual(reply.json, couldNotProcess, `${method} ${path}`);
    }
    const huge = await client.put(`/api/users/${id}`, { rawKubeConfig: 'x'.repeat(3 * 1024 * 1024) });
    assert.equal(huge.status, 413, `oversized body: ${huge.status}`);
    const hugeBody = huge.json as { code: number; errors: string[] };
    assert.equal(typeof hugeBody.code, 'number');
    assert.ok(Array.isArray(hugeBody.errors));
    assert.equal((await client.get(`/api/users/${id}`)).status, 200, 'the user is intact');
  });

  test('logs carry no passwords, kubeconfig secrets or session ids', async () => {
    const password = `log-secret-${randomBytes(6).toString('hex')}`;
    const { client, id } = await signUp(platform.gatewayUrl, email('logs'), password);
    await client.put(`/api/users/${id}`, { rawKubeConfig: sampleKubeconfig() });
    await new GatewayClient(platform.gatewayUrl).post('/api/login', { email: email('logs'), password });
    const logs = platform.logs();
    assert.ok(logs.length > 0, 'services logged something');
    assert.ok(!logs.includes(password), 'password in logs');
    assert.ok(!logs.includes('sample-token-value-0123456789'), 'kubeconfig token in logs');
    assert.ok(client.cookie && !logs.includes(client.cookie), 'session id in logs');
  });
});

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`timed out waiting: ${what}`);
}
