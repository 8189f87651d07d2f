import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { redisUrl } from '@platform/test-support';
import type { Redis } from 'ioredis';
import { createRedisClient } from '../src/sessions/redis-client.js';
import { RedisSessionStore } from '../src/sessions/session-store.js';

/** The per-user index of sessions against the real Redis: it must outlive every session in it. */
const prefix = `idx${randomBytes(4).toString('hex')}:`;
const options = { keyPrefix: prefix, ttlSeconds: 10 };
let redis: Redis;
before(async () => {
  redis = createRedisClient(await redisUrl(), () => {});
  await new Promise((resolve) => redis.once('ready', resolve));
});
after(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

const indexKey = (userId: number) => `${prefix}user-sessions:${userId}`;

test('a new session: the index expires after it', async () => {
  const store = new RedisSessionStore(redis, options);
  const id = await store.create(7);
  assert.equal(await redis.ttl(`${prefix}session:${id}`), 10);
  assert.equal(await redis.ttl(indexKey(7)), 11, 'the TTL and a margin of a tenth');
});

test('a lookup pushes the index back at most once per margin, and another process at its first lookup', async () => {
  const store = new RedisSessionStore(redis, options);
  const id = await store.create(8);
  await redis.expire(indexKey(8), 5);
  assert.equal((await store.find(id))?.userId, 8);
  assert.ok((await redis.ttl(indexKey(8))) <= 5, 'within the margin of the last push the index is left as it is');

  await sleep(1_100);
  await store.find(id);
  assert.ok((await redis.ttl(indexKey(8))) >= 10, 'after the margin the lookup pushes it back');

  await redis.expire(indexKey(8), 5);
  await new RedisSessionStore(redis, options).find(id);
  assert.ok((await redis.ttl(indexKey(8))) >= 10, 'a process that never pushed it does so at once');
});

test('a stored value that is not one of our sessions is no session', async () => {
  const store = new RedisSessionStore(redis, options);
  const values = ['not json', 'null', '[]', '{}', '{"userId":"7","createdAt":1}', '{"userId":0,"createdAt":1}', '{"userId":1.5,"createdAt":1}', '{"userId":7}'];
  for (const value of values) {
    const id = randomBytes(32).toString('base64url');
    await redis.set(`${prefix}session:${id}`, value, 'EX', 10);
    assert.equal(await store.find(id), null, value);
  }
  const id = randomBytes(32).toString('base64url');
  await redis.set(`${prefix}session:${id}`, '{"userId":7,"createdAt":1,"extra":true}', 'EX', 10);
  assert.deepEqual(await store.find(id), { userId: 7, createdAt: 1 });
});
