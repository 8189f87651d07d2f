import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IdentityHeader, parseIdentity, type Identity } from '@platform/contracts';
import { signIdentity, verifyIdentity } from '../src/identity.js';

const secret = 'a-secret-of-at-least-thirty-two-characters';
const request = { audience: 'releases', method: 'GET', url: '/api/releases?context=admin' } as const;

test('a user identity carries the credential used, and verifies to the same identity', () => {
  const identities: Array<[Identity, string]> = [
    [{ kind: 'user', userId: 42, credential: { kind: 'session', id: '0123456789abcdef' } }, 'user:42;session:0123456789abcdef'],
    [{ kind: 'user', userId: 42, credential: { kind: 'token', id: 'f00dfeedf00dfeed' } }, 'user:42;token:f00dfeedf00dfeed'],
  ];
  for (const [identity, formatted] of identities) {
    const headers = signIdentity(secret, identity, request);
    assert.equal(headers[IdentityHeader.identity], formatted);
    assert.deepEqual(verifyIdentity(secret, headers, request), identity);
  }
});

test('an identity without a credential (an older gateway, a test) still verifies, with no credential key', () => {
  const headers = signIdentity(secret, { kind: 'user', userId: 7 }, request);
  assert.equal(headers[IdentityHeader.identity], 'user:7');
  assert.deepEqual(verifyIdentity(secret, headers, request), { kind: 'user', userId: 7 });
  assert.deepEqual(parseIdentity('service:gateway'), { kind: 'service', name: 'gateway' });
});

test('the signature covers the credential: another credential under the same signature is refused', () => {
  const headers = signIdentity(secret, { kind: 'user', userId: 7, credential: { kind: 'token', id: 'aaaa' } }, request);
  for (const changed of ['user:7;token:bbbb', 'user:7;session:aaaa', 'user:7']) {
    assert.equal(verifyIdentity(secret, { ...headers, [IdentityHeader.identity]: changed }, request), null, changed);
  }
});

test('malformed credentials do not parse', () => {
  for (const raw of [
    'user:7;token:',
    'user:7;cookie:abc',
    'user:7;token:a;b',
    'user:7;token:a b',
    `user:7;token:${'a'.repeat(65)}`,
    'user:7;',
    'service:gateway;token:a',
  ]) {
    assert.equal(parseIdentity(raw), null, raw);
  }
});
