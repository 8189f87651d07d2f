import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { IdentitySignature, InternalRoutes, type Identity } from '@platform/contracts';
import { signIdentity } from '@platform/service-kit';
import { signUp } from './support/client.js';
import { startPlatform, type Platform } from './support/platform.js';

/**
 * Hostile tenants against the real services (real bcrypt, Redis, MongoDB-wire, NATS): what a password
 * guessing burst gets, and who may read kubeconfigs from the users service.
 */
let platform: Platform;
const email = (label: string) => `${label}-${randomBytes(4).toString('hex')}@example.test`;

before(async () => {
  // One trusted proxy hop, so each test client can say which address it is (X-Forwarded-For).
  platform = await startPlatform({ extraEnv: { gateway: { TRUST_PROXY: '1', LOGIN_MAX_ATTEMPTS_PER_EMAIL_AND_ADDRESS: '10' } } });
});
after(async () => {
  await platform?.stop();
});

const loginFrom = (address: string, body: { email: string; password: string }) =>
  fetch(`${platform.gatewayUrl}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify(body),
  });

/** Requests the users service logged on its credentials route: each one is a bcrypt comparison. */
const passwordChecks = () =>
  platform
    .logs()
    .split('\n')
    .filter((line) => line.includes('"service":"users"') && line.includes('incoming request') && line.includes(InternalRoutes.verifyCredentials)).length;

describe('login throttling', () => {
  test('18 concurrent wrong-password logins for one email: 10 password checks, 8 refused with 429; the owner still logs in', async (t) => {
    const owner = email('owner');
    await signUp(platform.gatewayUrl, owner, 'the right one');
    const checksBefore = passwordChecks();
    const burst = await Promise.all(Array.from({ length: 18 }, () => loginFrom('192.0.2.7', { email: owner, password: 'a guess' })));
    const statuses = burst.map((response) => response.status);
    await Promise.all(burst.map((response) => response.arrayBuffer()));
    // The users service logs each request as it arrives; give the last lines a moment to reach us.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const checks = passwordChecks() - checksBefore;
    const [rejected, refused] = [statuses.filter((s) => s === 401).length, statuses.filter((s) => s === 429).length];
    t.diagnostic(`burst of 18: ${checks} password checks at the users service, ${rejected} answered 401, ${refused} answered 429`);
    assert.deepEqual([checks, rejected, refused], [10, 10, 8]);
    assert.ok(burst.filter((response) => response.status === 429).every((response) => Number(response.headers.get('retry-after')) >= 1));

    assert.equal((await loginFrom('198.51.100.3', { email: owner, password: 'the right one' })).status, 200, 'the owner, elsewhere');
    assert.equal((await loginFrom('192.0.2.7', { email: owner, password: 'the right one' })).status, 429, 'the guesser, even with the password');
  });
});

describe('service identities at the users service', () => {
  const kubeconfigOf = async (identity: Identity, options: { audience?: 'users' | 'releases'; ageMs?: number } = {}) => {
    const { id } = await signUp(platform.gatewayUrl, email('identity'));
    const path = InternalRoutes.userKubeconfig(id);
    const headers = signIdentity(
      platform.signingSecret,
      identity,
      { audience: options.audience ?? 'users', method: 'GET', url: path },
      Date.now() - (options.ageMs ?? 0),
    );
    const response = await fetch(platform.serviceUrl.users + path, { headers });
    return { status: response.status, body: await response.text() };
  };
  const releases: Identity = { kind: 'service', name: 'releases' };

  test('the releases service reads a kubeconfig; the gateway, a user or another service may not', async () => {
    assert.equal((await kubeconfigOf(releases)).status, 200);
    assert.deepEqual(await kubeconfigOf({ kind: 'service', name: 'gateway' }), { status: 403, body: 'Forbidden' });
    assert.deepEqual(await kubeconfigOf({ kind: 'service', name: 'users' }), { status: 403, body: 'Forbidden' });
    assert.deepEqual(await kubeconfigOf({ kind: 'user', userId: 1 }), { status: 403, body: 'Forbidden' });
  });

  test('an identity signed for another service, or expired, is refused', async () => {
    assert.deepEqual(await kubeconfigOf(releases, { audience: 'releases' }), { status: 403, body: 'Forbidden' });
    assert.deepEqual(await kubeconfigOf(releases, { ageMs: IdentitySignature.maxAgeMs + 1_000 }), { status: 403, body: 'Forbidden' });
  });
});
