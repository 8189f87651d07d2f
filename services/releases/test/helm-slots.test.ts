import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode } from '@platform/contracts';
import { AppError } from '@platform/service-kit';
import { HelmSlots } from '../src/helm/helm-slots.js';

function refusedWith(take: () => unknown, status: number, code: number): void {
  assert.throws(take, (error: unknown) => {
    assert.ok(error instanceof AppError);
    assert.equal(error.status, status);
    assert.equal(error.code, code);
    assert.match(error.headers['retry-after'] ?? '', /^\d+$/);
    return true;
  });
}

test('a user beyond their bound gets 429, the service beyond its bound 503, both with Retry-After; slots come back', () => {
  const slots = new HelmSlots(3, 2);
  const first = slots.acquire(1);
  slots.acquire(1);
  refusedWith(() => slots.acquire(1), 429, ErrorCode.TooManyRequests);
  slots.acquire(2);
  refusedWith(() => slots.acquire(3), 503, ErrorCode.Unavailable);
  assert.equal(slots.size, 3);
  first();
  first();
  assert.equal(slots.size, 2, 'a slot is given back once');
  slots.acquire(3);
  refusedWith(() => slots.acquire(1), 503, ErrorCode.Unavailable);
});
