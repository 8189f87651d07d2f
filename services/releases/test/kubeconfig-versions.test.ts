import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KubeconfigVersions } from '../src/users/kubeconfig-versions.js';

/** A users service stand-in: the stored version per user, and how often it was asked. */
function usersService(stored: Map<number, number>) {
  const asked = { count: 0 };
  const source = {
    async version(userId: number) {
      asked.count += 1;
      return { userId, kubeconfigVersion: stored.get(userId) ?? 0 };
    },
  };
  return { source, asked };
}

const memory = { max: 100, ttlMs: 60_000 };

test('while the events consumer is live, a checked version is reused as long as it meets the floor', async () => {
  const stored = new Map([[1, 3]]);
  const { source, asked } = usersService(stored);
  const versions = new KubeconfigVersions(source, memory);
  versions.setLive(true);
  assert.deepEqual(await versions.current(1, 0), { version: 3, lookup: 'checked' });
  assert.deepEqual(await versions.current(1, 3), { version: 3, lookup: 'known' });
  assert.equal(asked.count, 1);

  // The user's own write (floor 4) whose event has not arrived: asked, not served from memory.
  stored.set(1, 4);
  assert.deepEqual(await versions.current(1, 4), { version: 4, lookup: 'checked' });
  // An event raises what is known; an older, late one does not lower it.
  versions.heard(1, 6);
  versions.heard(1, 5);
  assert.deepEqual(await versions.current(1, 4), { version: 6, lookup: 'known' });
});

test('without a floor (a caller other than the gateway) every request asks', async () => {
  const { source, asked } = usersService(new Map([[1, 2]]));
  const versions = new KubeconfigVersions(source, memory);
  versions.setLive(true);
  await versions.current(1, undefined);
  await versions.current(1, undefined);
  assert.equal(asked.count, 2);
});

test('while the consumer is not live every request asks, and what was known before is forgotten', async () => {
  const stored = new Map([[1, 2]]);
  const { source, asked } = usersService(stored);
  const versions = new KubeconfigVersions(source, memory);
  // Before the consumer first exists nothing is remembered, events included.
  versions.heard(1, 2);
  await versions.current(1, 0);
  await versions.current(1, 0);
  assert.equal(asked.count, 2);

  versions.setLive(true);
  await versions.current(1, 0);
  assert.equal((await versions.current(1, 0)).lookup, 'known');
  versions.setLive(false);
  stored.set(1, 3);
  assert.deepEqual(await versions.current(1, 0), { version: 3, lookup: 'checked' });
  versions.setLive(true);
  assert.deepEqual(await versions.current(1, 0), { version: 3, lookup: 'checked' }, 'reconnected: asks once again');
  assert.equal((await versions.current(1, 0)).lookup, 'known');
});

test('an answer to a question asked before the consumer stopped (or restarted) is not remembered', async () => {
  let release: () => void = () => undefined;
  const source = {
    async version(userId: number) {
      await new Promise<void>((resolve) => (release = resolve));
      return { userId, kubeconfigVersion: 1 };
    },
  };
  const versions = new KubeconfigVersions(source, memory);
  versions.setLive(true);
  const pending = versions.current(1, 0);
  versions.setLive(false);
  versions.setLive(true);
  release();
  await pending;
  const next = versions.current(1, 0);
  release();
  assert.equal((await next).lookup, 'checked', 'the earlier answer was not kept');
});

test('a remembered version expires, so a silently broken event path is bounded in time', async () => {
  const { source, asked } = usersService(new Map([[1, 1]]));
  const versions = new KubeconfigVersions(source, { max: 100, ttlMs: 30 });
  versions.setLive(true);
  await versions.current(1, 0);
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.equal((await versions.current(1, 0)).lookup, 'checked');
  assert.equal(asked.count, 2);
});
