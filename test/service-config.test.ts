import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { GatewayConfig } from '@platform/gateway';
import { ReleasesConfig } from '@platform/releases';
import { UsersConfig } from '@platform/users';

/** Each service's own required variables; the shared ones come from service-kit's base. */
const services = {
  gateway: { schema: GatewayConfig, own: { REDIS_URL: 'redis://127.0.0.1:6379' } },
  users: { schema: UsersConfig, own: { MONGO_URL: 'mongodb://127.0.0.1:27017/p', KUBECONFIG_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}` } },
  releases: { schema: ReleasesConfig, own: {} },
};
const shared = { NATS_URL: 'nats://127.0.0.1:4222', INTERNAL_SIGNING_SECRET: 'x'.repeat(32) };

for (const [name, { schema, own }] of Object.entries(services)) {
  test(`${name}: the shared variables are read and checked as in every other service`, () => {
    const parsed = schema.parse({ ...own, ...shared }) as { HOST: string; LOG_LEVEL: string; NATS_URL: string };
    assert.deepEqual([parsed.HOST, parsed.LOG_LEVEL, parsed.NATS_URL], ['127.0.0.1', 'info', shared.NATS_URL]);
    const refused = (env: Record<string, string | undefined>) => !schema.safeParse({ ...own, ...shared, ...env }).success;
    assert.ok(refused({ INTERNAL_SIGNING_SECRET: 'x'.repeat(16) }), 'a 16-character signing secret');
    assert.ok(refused({ LOG_LEVEL: 'verbose' }), 'an unknown log level');
    assert.ok(refused({ NATS_URL: undefined }), 'no NATS');
    assert.ok(refused({ EVENTS_SCOPE: 'a.b' }), 'an events scope with a dot (it becomes part of subjects)');
    assert.ok(refused({ PORT: '70000' }), 'a port out of range');
  });
}
