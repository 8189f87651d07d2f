import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseServersEnv } from '@platform/test-support';

const written = `MONGO_URL=mongodb://127.0.0.1:27017/platform
REDIS_URL=redis://127.0.0.1:6379
NATS_URL=nats://127.0.0.1:4222
KUBECONFIG=/cache/run/kubeconfig
HELM_BIN=/cache/bin/helm
`;

test('.servers.env: the addresses scripts/servers.sh writes, by name', () => {
  assert.deepEqual(parseServersEnv(`# comment\n${written}\nEXTRA=kept-out\n`, 'f'), {
    MONGO_URL: 'mongodb://127.0.0.1:27017/platform',
    REDIS_URL: 'redis://127.0.0.1:6379',
    NATS_URL: 'nats://127.0.0.1:4222',
    KUBECONFIG: '/cache/run/kubeconfig',
    HELM_BIN: '/cache/bin/helm',
  });
  assert.equal(parseServersEnv(`${written}HELM4_BIN=/cache/bin/helm4\n`, 'f').HELM4_BIN, '/cache/bin/helm4');
});

test('.servers.env: a missing server or a line of another form is an error naming the file', () => {
  assert.throws(() => parseServersEnv(written.replace(/^NATS_URL=.*$/m, ''), 'servers.env'), /servers\.env: no NATS_URL/);
  assert.throws(() => parseServersEnv(written.replace(/^REDIS_URL=.*$/m, 'REDIS_URL='), 'servers.env'), /no REDIS_URL/);
  assert.throws(() => parseServersEnv(`export ${written}`, 'servers.env'), /servers\.env:1: expected NAME=value/);
});
