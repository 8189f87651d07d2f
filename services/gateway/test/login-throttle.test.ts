import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ErrorMessage } from '@platform/contracts';
import { login, signUp, startTestGateway, type TestGateway } from './support.js';

const windowSeconds = 2;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const tooMany = { code: 429, errors: [ErrorMessage.tooManyLoginAttempts] };

describe('login windows', () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startTestGateway({
      LOGIN_MAX_ATTEMPTS_PER_EMAIL_AND_ADDRESS: '3',
      LOGIN_MAX_ATTEMPTS_PER_EMAIL: '5',
      LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '6',
      LOGIN_THROTTLE_WINDOW_SECONDS: String(windowSeconds),
    });
  });
  after(async () => {
    await gateway.close();
  });

  const loginFrom = (address: string, email: string, password: string) =>
    gateway.app.inject({ method: 'POST', url: '/api/login', payload: { email, password }, remoteAddress: address });
  const statuses = async (replies: Promise<{ statusCode: number }>[]) => (await Promise.all(replies)).map((reply) => reply.statusCode);

  test('a concurrent wrong-password burst gets exactly as many password checks as the limit, the rest 429', async (t) => {
    await signUp(gateway, 'burst@example.com', 'right');
    gateway.users.passwordChecks.delayMs = 50;
    t.after(() => (gateway.users.passwordChecks.delayMs = 0));
    const checksBefore = gateway.users.passwordChecks.count;
    const burst = await statuses(Array.from({ length: 18 }, () => loginFrom('10.9.0.1', 'burst@example.com', 'wrong')));
    const checks = gateway.users.passwordChecks.count - checksBefore;
    const refused = burst.filter((status) => status === 429).length;
    t.diagnostic(`18 concurrent wrong-password logins: ${checks} password checks, ${refused} answered 429`);
    assert.equal(checks, 3);
    assert.equal(burst.filter((status) => status === 401).length, 3);
    assert.equal(refused, 15);
  });

  test('the window slides: places come back one by one as attempts age out, not all at once', async () => {
    await signUp(gateway, 'slide@example.com', 'right');
    const wrong = () => loginFrom('10.9.1.1', 'slide@example.com', 'wrong');
    assert.deepEqual(await statuses([wrong(), wrong()]), [401, 401]);
    await sleep(1_000);
    assert.equal((await wrong()).statusCode, 401);
    const refused = await wrong();
    assert.equal(refused.statusCode, 429);
    const retryAfter = Number(refused.headers['retry-after']);
    assert.ok(retryAfter >= 1 && retryAfter <= windowSeconds - 1 + 1, `Retry-After ${retryAfter}`);
    // The first two aged out; the third (a second younger) still counts: two places, not three.
    await sleep(1_300);
    assert.deepEqual(await statuses([wrong(), wrong(), wrong()]).then((all) => all.sort()), [401, 401, 429]);
  });

  test('a client guessing one password does not lock the owner out: the owner at another address logs in', async () => {
    await signUp(gateway, 'owner@example.com', 'right');
    const guesses = await statuses(Array.from({ length: 10 }, () => loginFrom('10.9.2.1', 'owner@example.com', 'wrong')));
    assert.deepEqual([guesses.filter((s) => s === 401).length, guesses.filter((s) => s === 429).length], [3, 7]);
    assert.equal((await loginFrom('10.9.2.99', 'owner@example.com', 'right')).statusCode, 200);
    assert.equal((await loginFrom('10.9.2.1', 'owner@example.com', 'right')).statusCode, 429, 'the guessing address waits, even with the password');
  });

  test('many guessing addresses close the account only while they keep failing: refused attempts do not extend the block', async () => {
    await signUp(gateway, 'target@example.com', 'right');
    const guessFrom = (address: string) => loginFrom(address, 'target@example.com', 'wrong');
    const first = await statuses(['10.9.3.1', '10.9.3.1', '10.9.3.1', '10.9.3.2', '10.9.3.2', '10.9.3.3'].map(guessFrom));
    assert.deepEqual(first, [401, 401, 401, 401, 401, 429], 'five failures fill the email window');
    const owner = await loginFrom('10.9.3.99', 'target@example.com', 'right');
    assert.deepEqual([owner.statusCode, owner.json()], [429, tooMany], 'meanwhile the owner waits too');
    // The guessers keep hammering through the window; every try is refused and takes no place.
    const hammering = (async () => {
      const seen: number[] = [];
      const until = Date.now() + windowSeconds * 1000 - 300;
      while (Date.now() < until) {
        seen.push(...(await statuses(['10.9.3.1', '10.9.3.4'].map(guessFrom))));
        await sleep(100);
      }
      return seen;
    })();
    assert.deepEqual([...new Set(await hammering)], [429]);
    await sleep(500);
    assert.equal((await loginFrom('10.9.3.99', 'target@example.com', 'right')).statusCode, 200, 'the window passed: the owner is in');
  });

  test('failed logins from one address are refused across emails', async () => {
    const tries = await statuses(Array.from({ length: 6 }, (_, n) => loginFrom('10.1.0.1', `nobody${n}@example.com`, 'x')));
    assert.deepEqual(tries, [401, 401, 401, 401, 401, 401]);
    const refused = await loginFrom('10.1.0.1', 'someone-else@example.com', 'x');
    assert.deepEqual([refused.statusCode, refused.json()], [429, tooMany]);
    assert.equal((await loginFrom('10.1.0.2', 'someone-else@example.com', 'x')).statusCode, 401, 'other addresses go on');
  });

  test("a successful login forgives this client's failures on the account", async () => {
    await signUp(gateway, 'heidi@example.com', 'right');
    for (let round = 0; round < 2; round++) {
      assert.equal((await login(gateway, 'heidi@example.com', 'wrong')).statusCode, 401);
      assert.equal((await login(gateway, 'Heidi@example.com', 'wrong')).statusCode, 401);
      assert.equal((await login(gateway, 'heidi@example.com', 'right')).statusCode, 200);
    }
    const pair = await gateway.redis.zcard(`${gateway.config.REDIS_KEY_PREFIX}login:email-address:heidi@example.com|127.0.0.1`);
    assert.equal(pair, 0);
  });
});

describe('password work per address', () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startTestGateway({ PASSWORD_WORK_MAX_PER_ADDRESS: '3', PASSWORD_WORK_WINDOW_SECONDS: String(windowSeconds) });
  });
  after(async () => {
    await gateway.close();
  });

  const tooManyPassword = { code: 429, errors: [ErrorMessage.tooManyPasswordRequests] };
  const send = (address: string, method: 'POST' | 'DELETE', url: string, payload: object, cookie?: string) =>
    gateway.app.inject({ method, url, payload, remoteAddress: address, headers: cookie ? { cookie } : {} });

  test('sign-up, login and account deletion share one budget per address; other addresses are not affected', async () => {
    const signUpFrom = (address: string, email: string) => send(address, 'POST', '/api/users', { email, password: 'pw' });
    const first = await signUpFrom('10.8.0.1', 'one@example.com');
    assert.equal(first.statusCode, 201);
    const cookie = `porter_session=${first.cookies.find((entry) => entry.name === 'porter_session')!.value}`;
    assert.equal((await signUpFrom('10.8.0.1', 'two@example.com')).statusCode, 201);
    assert.equal((await send('10.8.0.1', 'POST', '/api/login', { email: 'one@example.com', password: 'pw' })).statusCode, 200);
    const checksBefore = gateway.users.passwordChecks.count;
    for (const [refused, body] of [
      [await signUpFrom('10.8.0.1', 'three@example.com'), tooManyPassword],
      [await send('10.8.0.1', 'POST', '/api/login', { email: 'one@example.com', password: 'pw' }), tooMany],
      [await send('10.8.0.1', 'DELETE', '/api/users/1', { password: 'pw' }, cookie), tooManyPassword],
    ] as const) {
      assert.deepEqual([refused.statusCode, refused.json()], [429, body]);
      assert.ok(Number(refused.headers['retry-after']) >= 1);
    }
    assert.equal(gateway.users.passwordChecks.count, checksBefore, 'none reached the users service');
    assert.ok(!gateway.users.passwords.has('three@example.com'));
    assert.equal((await signUpFrom('10.8.0.2', 'three@example.com')).statusCode, 201, 'another address');
    await sleep(windowSeconds * 1000 + 200);
    assert.equal((await send('10.8.0.1', 'DELETE', '/api/users/1', { password: 'pw' }, cookie)).statusCode, 204, 'after the window');
  });
});
