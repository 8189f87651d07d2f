import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ErrorMessage } from '@platform/contracts';
import { login, signUp, startTestGateway, type TestGateway } from './support.js';

const windowSeconds = 2;
let gateway: TestGateway;
before(async () => {
  gateway = await startTestGateway({
    LOGIN_MAX_ATTEMPTS_PER_EMAIL: '3',
    LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '5',
    LOGIN_THROTTLE_WINDOW_SECONDS: String(windowSeconds),
  });
});
after(async () => {
  await gateway.close();
});

const loginFrom = (address: string, email: string, password: string) =>
  gateway.app.inject({ method: 'POST', url: '/api/login', payload: { email, password }, remoteAddress: address });

const tooMany = { code: 429, errors: [ErrorMessage.tooManyLoginAttempts] };

test('failed logins for one email are refused with 429 until the window ends', async () => {
  await signUp(gateway, 'grace@example.com', 'right');
  for (let attempt = 0; attempt < 3; attempt++) {
    assert.equal((await loginFrom(`10.0.0.${attempt + 1}`, 'Grace@example.com', 'wrong')).statusCode, 401);
  }
  const refused = await loginFrom('10.0.0.9', 'grace@example.com', 'right');
  assert.equal(refused.statusCode, 429, 'even the right password waits: the email is counted in any case');
  assert.deepEqual(refused.json(), tooMany);
  const retryAfter = Number(refused.headers['retry-after']);
  assert.ok(retryAfter >= 1 && retryAfter <= windowSeconds, `Retry-After ${retryAfter}`);
  assert.equal(refused.cookies.length, 0);

  await new Promise((resolve) => setTimeout(resolve, (windowSeconds + 1) * 1000));
  const recovered = await loginFrom('10.0.0.9', 'grace@example.com', 'right');
  assert.equal(recovered.statusCode, 200);
});

test('failed logins from one address are refused across emails', async () => {
  for (let attempt = 0; attempt < 5; attempt++) {
    assert.equal((await loginFrom('10.1.0.1', `nobody${attempt}@example.com`, 'x')).statusCode, 401);
  }
  const refused = await loginFrom('10.1.0.1', 'someone-else@example.com', 'x');
  assert.deepEqual([refused.statusCode, refused.json()], [429, tooMany]);
  assert.equal((await loginFrom('10.1.0.2', 'someone-else@example.com', 'x')).statusCode, 401, 'other addresses go on');
});

test('a successful login forgives the email\'s failures', async () => {
  await signUp(gateway, 'heidi@example.com', 'right');
  for (let round = 0; round < 2; round++) {
    assert.equal((await login(gateway, 'heidi@example.com', 'wrong')).statusCode, 401);
    assert.equal((await login(gateway, 'heidi@example.com', 'wrong')).statusCode, 401);
    assert.equal((await login(gateway, 'heidi@example.com', 'right')).statusCode, 200);
  }
  const count = await gateway.redis.get(`${gateway.config.REDIS_KEY_PREFIX}login-failures:email:heidi@example.com`);
  assert.equal(count, null);
});
