import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { helmBin } from '@platform/test-support';
import { signUp, type GatewayClient } from './support/client.js';
import { helm, writeConfigMapChart } from './support/helm.js';
import { testClusterKubeconfig } from './support/kubeconfig.js';
import { startPlatform, type Platform } from './support/platform.js';

/** Install and uninstall end to end: through the real gateway, on the real cluster, the helm CLI as the oracle. */
let platform: Platform;
let client: GatewayClient;
let archive: string;
const namespace = `it-life-${randomBytes(3).toString('hex')}`;
const name = 'lifecycle';

before(async () => {
  platform = await startPlatform();
  let userId: number;
  ({ client, id: userId } = await signUp(platform.gatewayUrl, `lifecycle-${randomBytes(4).toString('hex')}@example.test`));
  const put = await client.put(`/api/users/${userId}`, { rawKubeConfig: await testClusterKubeconfig(), allowedContexts: ['admin'] });
  assert.equal(put.status, 204);
  const out = await mkdtemp(join(tmpdir(), 'it-lifecycle-'));
  await promisify(execFile)(await helmBin(), ['package', await writeConfigMapChart(), '-d', out], { env: { PATH: process.env.PATH ?? '', HOME: out } });
  archive = (await readFile(join(out, (await readdir(out))[0]!))).toString('base64');
});
after(async () => {
  await helm(['uninstall', name, '-n', namespace]).catch(() => undefined);
  await platform?.stop();
});

const target = () => `namespace=${namespace}&context=admin`;
const history = async () =>
  (JSON.parse(await helm(['history', name, '-n', namespace, '-o', 'json'])) as Array<{ status: string }>).map((entry) => entry.status);

test('install, name taken, uninstall with history, rollback, uninstall, unknown: every answer through the gateway', async () => {
  const installed = await client.post('/api/releases', {
    name,
    namespace,
    context: 'admin',
    createNamespace: true,
    chart: { archive },
    values: 'message: installed\n',
  });
  assert.equal(installed.status, 201, installed.text);
  assert.equal((installed.json as { info: { status: string } }).info.status, 'deployed');
  assert.deepEqual(await history(), ['deployed']);

  const taken = await client.post('/api/releases', { name, namespace, context: 'admin', chart: { archive } });
  assert.equal(taken.status, 409, taken.text);
  assert.equal((taken.json as { code: number }).code, 611);

  const kept = await client.request('DELETE', `/api/releases/${name}?${target()}&keepHistory=true`);
  assert.equal(kept.status, 200, kept.text);
  assert.deepEqual(await history(), ['uninstalled']);
  const rolledBack = await client.post(`/api/releases/${name}/rollback`, { namespace, context: 'admin', revision: 1 });
  assert.equal(rolledBack.status, 200, rolledBack.text);
  assert.deepEqual(await history(), ['uninstalled', 'deployed']);

  const purged = await client.request('DELETE', `/api/releases/${name}?${target()}`);
  assert.equal(purged.status, 200, purged.text);
  await assert.rejects(history(), /not found/);
  const unknown = await client.request('DELETE', `/api/releases/${name}?${target()}`);
  assert.equal(unknown.status, 404, unknown.text);
  assert.deepEqual(unknown.json, { code: 602, errors: ['release not found'] });
});
