import assert from 'node:assert/strict';
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ErrorCode } from '@platform/contracts';
import { helmBin } from '@platform/test-support';
import type { HelmRelease } from '../src/helm/codec.js';
import { MemoryReleaseRecords } from '../src/helm/drivers/memory.js';
import { memoryScope } from '../src/release-access.js';
import { buildTestApp, call } from './fixtures.js';

/**
 * Upgrades run helm; a user gets at most HELM_MAX_CONCURRENT_PER_USER runs at once and the replica at most
 * HELM_MAX_CONCURRENT, beyond which a request is refused at once, never queued. helm is made slow (a wrapper
 * that waits a second first) so that runs surely overlap; memory releases need no cluster.
 */
const memory = new MemoryReleaseRecords();
const users = [7, 8, 9];
let built: Awaited<ReturnType<typeof buildTestApp>>;

function release(name: string): HelmRelease {
  return {
    name,
    namespace: 'team-a',
    version: 1,
    info: { first_deployed: '2024-01-01T00:00:00Z', last_deployed: '2024-01-01T00:00:00Z', deleted: '', description: 'Install complete', status: 'deployed' },
    chart: {
      metadata: { apiVersion: 'v2', name: 'demo', version: '0.1.0' },
      templates: [
        { name: 'templates/cm.yaml', data: Buffer.from('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n').toString('base64') },
      ],
      values: {},
    },
    config: {},
    manifest: '',
    hooks: [],
  };
}

before(async () => {
  const folder = await mkdtemp(join(tmpdir(), 'slow-helm-'));
  const slowHelm = join(folder, 'helm');
  await writeFile(slowHelm, `#!/bin/sh\nsleep 1\nexec '${await helmBin()}' "$@"\n`);
  await chmod(slowHelm, 0o755);
  for (const user of users) for (const name of ['one', 'two']) await memory.driver(memoryScope(user, 'admin')).create(release(name));
  built = await buildTestApp({ memoryReleases: memory }, { config: { HELM_BIN: slowHelm, HELM_MAX_CONCURRENT: 2, HELM_MAX_CONCURRENT_PER_USER: 1 } });
});
after(async () => built.app.close());

const upgrade = (name: string, user: number) =>
  call(built.app, 'POST', `/api/releases/${name}/upgrade`, { context: 'admin', storage: 'memory', namespace: 'team-a', values: 'a: 1\n' }, user);

function assertRefused(reply: Awaited<ReturnType<typeof upgrade>>, status: number, code: number): void {
  assert.equal(reply.statusCode, status, reply.body);
  assert.equal(reply.json().code, code);
  assert.match(String(reply.headers['retry-after']), /^\d+$/);
}

test('a second upgrade of the same user while one runs: 429 with Retry-After; the first completes', async () => {
  const replies = await Promise.all([upgrade('one', 7), upgrade('two', 7)]);
  // Whichever reaches helm first runs.
  const [done, refused] = replies.sort((a, b) => a.statusCode - b.statusCode);
  assert.equal(done!.statusCode, 200, done!.body);
  assertRefused(refused!, 429, ErrorCode.TooManyRequests);
  assert.equal((await upgrade('two', 7)).statusCode, 200, 'the slot came back');
});

test('a third user while two run: 503 with Retry-After', async () => {
  const replies = await Promise.all([upgrade('one', 7), upgrade('one', 8), upgrade('one', 9)]);
  const [first, second, third] = replies.sort((a, b) => a.statusCode - b.statusCode);
  assert.deepEqual([first!.statusCode, second!.statusCode], [200, 200], first!.body + second!.body);
  assertRefused(third!, 503, ErrorCode.Unavailable);
});
