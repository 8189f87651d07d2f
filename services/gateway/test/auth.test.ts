import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ErrorMessage, idOnlyUser } from '@platform/contracts';
import { login, sessionCookie, signUp, startTestGateway, type TestGateway } from './support.js';

let gateway: TestGateway;
before(async () => {
  gateway = await startTestGateway();
});
after(async () => {
  await gateway.close();
});

const me = (cookie?: string, id = 1) => gateway.app.inject({ method: 'GET', url: `/api/users/${id}`, headers: cookie ? { cookie } : {} });

describe('creating a user', () => {
  test('replies 201 with the id-only user and logs the new user in with a safe cookie', async () => {
    const reply = await gateway.app.inject({ method: 'POST', url: '/api/users', payload: { email: 'Ada@Example.com', password: 'pw-ada' } });
    assert.equal(reply.statusCode, 201);
    const body = reply.json<{ id: number }>();
    assert.deepEqual(body, idOnlyUser(body.id));
    const cookie = reply.cookies.find((entry) => entry.name === 'porter_session');
    assert.ok(cookie);
    assert.match(cookie.value, /^[A-Za-z0-9_-]{43}$/, '256 random bits, base64url');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Lax');
    assert.equal(cookie.path, '/');
    assert.equal(cookie.secure, undefined, 'COOKIE_SECURE=false in this suite');
    assert.equal((await me(sessionCookie(reply), body.id)).statusCode, 200);
    assert.ok(gateway.users.passwords.has('ada@example.com'), 'the email reaches the users service lower-cased');
  });

  test("passes the users service's refusal through and sets no cookie", async () => {
    await signUp(gateway, 'taken@example.com');
    const reply = await gateway.app.inject({ method: 'POST', url: '/api/users', payload: { email: 'taken@example.com', password: 'x' } });
    assert.equal(reply.statusCode, 422);
    assert.deepEqual(reply.json(), { code: 601, errors: [ErrorMessage.emailTaken] });
    assert.equal(reply.cookies.length, 0);
  });

  test("refuses an invalid body in the contract's shape", async () => {
    const invalidEmail = await gateway.app.inject({ method: 'POST', url: '/api/users', payload: { email: 'notanemail', password: 'x' } });
    assert.equal(invalidEmail.statusCode, 422);
    assert.deepEqual(invalidEmail.json(), { code: 601, errors: ['email validation failed'] });
    const missing = await gateway.app.inject({ method: 'POST', url: '/api/users', payload: { email: 'a@example.com' } });
    assert.deepEqual([missing.statusCode, missing.json()], [422, { code: 601, errors: ['required validation failed'] }]);
  });

  test('with a cookie the client invented, logs in with a new id and does not adopt the invented one', async () => {
    const invented = 'A'.repeat(43);
    const reply = await gateway.app.inject({
      method: 'POST',
      url: '/api/users',
      payload: { email: 'fixation@example.com', password: 'pw' },
      headers: { cookie: `porter_session=${invented}` },
    });
    assert.equal(reply.statusCode, 201);
    assert.notEqual(sessionCookie(reply), `porter_session=${invented}`);
    assert.equal((await me(`porter_session=${invented}`, reply.json<{ id: number }>().id)).statusCode, 403);
  });
});

describe('login', () => {
  test('replies 200 with the id-only user and a new session id at every login', async () => {
    const { id, cookie: signUpCookie } = await signUp(gateway, 'login@example.com', 'secret-1');
    const first = await login(gateway, 'LOGIN@example.com', 'secret-1', signUpCookie);
    assert.equal(first.statusCode, 200);
    assert.deepEqual(first.json(), idOnlyUser(id));
    const firstCookie = sessionCookie(first);
    assert.notEqual(firstCookie, signUpCookie);
    assert.equal((await me(signUpCookie, id)).statusCode, 403, 'the session the login request carried ended');

    const second = await login(gateway, 'login@example.com', 'secret-1');
    const secondCookie = sessionCookie(second);
    assert.notEqual(secondCookie, firstCookie);
    assert.equal((await me(firstCookie, id)).statusCode, 200, 'a login elsewhere leaves other sessions alone');
    assert.equal((await me(secondCookie, id)).statusCode, 200);
  });

  test("passes on the users service's 401 bodies", async () => {
    await signUp(gateway, 'wrong@example.com', 'right');
    const wrongPassword = await login(gateway, 'wrong@example.com', 'wrong');
    assert.equal(wrongPassword.statusCode, 401);
    assert.deepEqual(wrongPassword.json(), { code: 401, errors: [ErrorMessage.incorrectPassword] });
    const unknown = await login(gateway, 'nobody@example.com', 'x');
    assert.deepEqual([unknown.statusCode, unknown.json()], [401, { code: 401, errors: [ErrorMessage.emailNotRegistered] }]);
    assert.equal(unknown.cookies.length, 0);
  });

  test('an invented session id is not logged in, whatever it looks like', async () => {
    for (const value of ['A'.repeat(43), 'not-a-session', '', '%00']) {
      const reply = await me(`porter_session=${value}`);
      assert.equal(reply.statusCode, 403, value);
      assert.equal(reply.body, 'Forbidden');
    }
  });
});

describe('logout', () => {
  test('replies 200 with an empty body, ends the session and clears the cookie', async () => {
    const { id, cookie } = await signUp(gateway, 'logout@example.com');
    const reply = await gateway.app.inject({ method: 'POST', url: '/api/logout', headers: { cookie } });
    assert.equal(reply.statusCode, 200);
    assert.equal(reply.body, '');
    const cleared = reply.cookies.find((entry) => entry.name === 'porter_session');
    assert.ok(cleared && cleared.value === '' && cleared.expires && cleared.expires.getTime() < Date.now());
    assert.equal((await me(cookie, id)).statusCode, 403, 'the old cookie no longer works');
    const again = await gateway.app.inject({ method: 'POST', url: '/api/logout', headers: { cookie } });
    assert.deepEqual([again.statusCode, again.body], [403, 'Forbidden']);
  });

  test('not logged in: 403 plain Forbidden', async () => {
    const reply = await gateway.app.inject({ method: 'POST', url: '/api/logout' });
    assert.equal(reply.statusCode, 403);
    assert.equal(reply.body, 'Forbidden');
    assert.match(String(reply.headers['content-type']), /^text\/plain/);
  });
});
