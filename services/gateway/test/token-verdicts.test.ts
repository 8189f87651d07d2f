import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import type { VerifiedApiToken } from '@platform/contracts';
import { tokenHash, tokenIdOf, verdictToCache, verifiedFromCache } from '../src/domain/token-verdicts.js';

const now = Date.parse('2026-12-02T04:00:00Z');
const tokenId = 'a1b2c3d4e5f60718';
const token = `prt_${tokenId}_${randomBytes(32).toString('base64url')}`;
const verified = (expiresInMs: number): VerifiedApiToken => ({
  tokenId,
  userId: 7,
  scope: { access: 'write', namespaces: ['apps'] },
  expiresAt: new Date(now + expiresInMs).toISOString(),
});

test('the token id is read from a well-formed token only', () => {
  assert.equal(tokenIdOf(token), tokenId);
  assert.equal(tokenIdOf(`prt_${tokenId}_short`), null);
  assert.equal(tokenIdOf(`xyz_${tokenId}_${'a'.repeat(43)}`), null);
});

test('a verdict is kept for the bound, or until the token expires if that is sooner, and holds only the hash', () => {
  const long = verdictToCache(token, verified(86_400_000), now, 30_000);
  assert.equal(long?.ttlMs, 30_000);
  assert.deepEqual(long?.verdict, {
    hash: tokenHash(token),
    tokenId,
    userId: 7,
    scope: { access: 'write', namespaces: ['apps'] },
    expiresAt: now + 86_400_000,
  });
  assert.ok(!JSON.stringify(long).includes(token.slice(21)), 'the secret is not in the entry');
  assert.equal(verdictToCache(token, verified(1_500), now, 30_000)?.ttlMs, 1_500);
  assert.equal(verdictToCache(token, verified(0), now, 30_000), null, 'expiring now: nothing to keep');
  const { expiresAt: _none, ...withoutExpiry } = verified(60_000);
  assert.equal(verdictToCache(token, withoutExpiry, now, 30_000), null, 'no expiry known: not cached');
});

test('a stored verdict holds only for the same whole token, before its expiry, and when it is well formed', () => {
  const stored = JSON.stringify(verdictToCache(token, verified(10_000), now, 30_000)!.verdict);
  assert.deepEqual(verifiedFromCache(stored, token, now), verified(10_000));
  assert.equal(verifiedFromCache(stored, token, now + 10_000), null, 'expired, whatever the entry TTL');
  const otherSecret = `prt_${tokenId}_${randomBytes(32).toString('base64url')}`;
  assert.equal(verifiedFromCache(stored, otherSecret, now), null, 'same id, another secret');
  const otherId = `prt_${'f'.repeat(16)}_${token.slice(21)}`;
  assert.equal(verifiedFromCache(stored, otherId, now), null);
  for (const broken of [
    '',
    'null',
    '{',
    '[]',
    JSON.stringify({ ...JSON.parse(stored), userId: '7' }),
    JSON.stringify({ ...JSON.parse(stored), scope: { access: 'all' } }),
  ]) {
    assert.equal(verifiedFromCache(broken, token, now), null, broken);
  }
});
