import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { signUp, type GatewayClient } from './support/client.js';
import { helm, helmHistory, writeConfigMapChart } from './support/helm.js';
import { testClusterKubeconfig } from './support/kubeconfig.js';
import { startPlatform, type Platform } from './support/platform.js';

/** Releases end to end: the helm CLI and the API on the same real cluster, through the real gateway. */
let platform: Platform;
let client: GatewayClient;
let userId: number;
let chart: string;
const namespace = `it-rel-${randomBytes(3).toString('hex')}`;
/** Two more namespaces, and release names no other suite uses: an empty namespace searches the whole cluster. */
const otherNamespace = `${namespace}-b`;
const thirdNamespace = `${namespace}-c`;
const solo = `solo-${randomBytes(3).toString('hex')}`;
const twin = `twin-${randomBytes(3).toString('hex')}`;

before(async () => {
  platform = await startPlatform();
  ({ client, id: userId } = await signUp(platform.gatewayUrl, `releases-${randomBytes(4).toString('hex')}@example.test`));
  const put = await client.put(`/api/users/${userId}`, { rawKubeConfig: await testClusterKubeconfig(), allowedContexts: ['admin', 'limited'] });
  assert.equal(put.status, 204);
  chart = await writeConfigMapChart();
  await helm(['install', 'web', chart, '-n', namespace, '--create-namespace']);
  await helm(['install', 'api', chart, '-n', namespace, '--set', 'message=from-cli']);
  await helm(['install', solo, chart, '-n', otherNamespace, '--create-namespace']);
  await helm(['install', twin, chart, '-n', otherNamespace]);
  await helm(['install', twin, chart, '-n', thirdNamespace, '--create-namespace']);
});
after(async () => {
  await helm(['uninstall', 'web', '-n', namespace]).catch(() => undefined);
  await helm(['uninstall', 'api', '-n', namespace]).catch(() => undefined);
  await helm(['uninstall', twin, '-n', otherNamespace]).catch(() => undefined);
  await helm(['uninstall', twin, '-n', thirdNamespace]).catch(() => undefined);
  await helm(['uninstall', solo, '-n', otherNamespace]).catch(() => undefined);
  await platform?.stop();
});

type Release = { name: string; version: number; namespace: string; info: { status: string; description: string }; config: Record<string, unknown> };
const query = (extra = '') => `namespace=${namespace}&context=admin${extra}`;

describe('releases through the gateway', () => {
  test('lists what the helm CLI installed', async () => {
    const reply = await client.get(`/api/releases?${query()}`);
    assert.equal(reply.status, 200, reply.text);
    const releases = reply.json as Release[];
    assert.deepEqual(
      releases.map((release) => release.name),
      ['api', 'web'],
    );
    assert.ok(releases.every((release) => release.info.status === 'deployed' && release.version === 1 && release.namespace === namespace));
  });

  test('upgrade with new values, then rollback: the CLI agrees and the cluster object follows', async () => {
    const upgrade = await client.post('/api/releases/web/upgrade', { namespace, context: 'admin', values: 'message: upgraded\n' });
    assert.equal(upgrade.status, 200, upgrade.text);
    assert.deepEqual(JSON.parse(await helm(['get', 'values', 'web', '-n', namespace, '-o', 'json'])), { message: 'upgraded' });
    assert.match(await helm(['get', 'manifest', 'web', '-n', namespace]), /message: "upgraded"/);

    const latest = await client.get(`/api/releases/web/0?${query()}`);
    assert.equal(latest.status, 200);
    assert.equal((latest.json as Release).version, 2);
    assert.deepEqual((latest.json as Release).config, { message: 'upgraded' });

    const rollback = await client.post('/api/releases/web/rollback', { namespace, context: 'admin', revision: 1 });
    assert.equal(rollback.status, 200, rollback.text);
    const history = await helmHistory('web', namespace);
    assert.deepEqual(
      history.map((entry) => [entry.revision, entry.status]),
      [
        [1, 'superseded'],
        [2, 'superseded'],
        [3, 'deployed'],
      ],
    );
    assert.equal(history[2]!.description, 'Rollback to 1');
    assert.match(await helm(['get', 'manifest', 'web', '-n', namespace]), /message: "hello"/);

    const apiHistory = await client.get(`/api/releases/web/history?${query()}`);
    assert.deepEqual(
      (apiHistory.json as Release[]).map((release) => [release.version, release.info.status]),
      [
        [1, 'superseded'],
        [2, 'superseded'],
        [3, 'deployed'],
      ],
    );

    // The CLI can carry on from what the API wrote.
    await helm(['upgrade', 'web', chart, '-n', namespace, '--set', 'message=cli-again']);
    const after = await client.get(`/api/releases/web/0?${query()}`);
    assert.equal((after.json as Release).version, 4);
    assert.deepEqual((after.json as Release).config, { message: 'cli-again' });
  });

  test('errors: unknown release 404/602, context not allowed 403/605, bad storage 422/601, bad values 422/607', async () => {
    const missing = await client.get(`/api/releases/nope/0?${query()}`);
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.json, { code: 602, errors: ['release not found'] });
    const context = await client.get(`/api/releases?namespace=${namespace}&context=not-mine`);
    assert.equal(context.status, 403);
    assert.equal((context.json as { code: number }).code, 605);
    const storage = await client.get(`/api/releases?${query('&storage=etcd')}`);
    assert.equal(storage.status, 422);
    assert.deepEqual(storage.json, { code: 601, errors: ['oneof validation failed'] });
    const values = await client.post('/api/releases/api/upgrade', { namespace, context: 'admin', values: 'message: [unclosed' });
    assert.equal(values.status, 422);
    assert.equal((values.json as { code: number }).code, 607);
    const noContext = await client.get(`/api/releases?namespace=${namespace}`);
    assert.equal(noContext.status, 422);
    assert.deepEqual(noContext.json, { code: 601, errors: ['required validation failed'] });
  });

  test('an empty namespace (the dashboard\'s "All") finds a release by name in its one namespace', async () => {
    const everywhere = 'namespace=&context=admin';
    const latest = await client.get(`/api/releases/${solo}/0?${everywhere}`);
    assert.equal(latest.status, 200, latest.text);
    assert.deepEqual([(latest.json as Release).namespace, (latest.json as Release).version], [otherNamespace, 1]);

    const upgrade = await client.post(`/api/releases/${solo}/upgrade`, { namespace: '', context: 'admin', values: 'message: everywhere\n' });
    assert.equal(upgrade.status, 200, upgrade.text);
    assert.deepEqual(JSON.parse(await helm(['get', 'values', solo, '-n', otherNamespace, '-o', 'json'])), { message: 'everywhere' });
    const rollback = await client.post(`/api/releases/${solo}/rollback`, { namespace: '', context: 'admin', revision: 0 });
    assert.equal(rollback.status, 200, rollback.text);
    const cli = await helmHistory(solo, otherNamespace);
    assert.deepEqual(
      cli.map((entry) => [entry.revision, entry.status]),
      [
        [1, 'superseded'],
        [2, 'superseded'],
        [3, 'deployed'],
      ],
    );
    assert.equal(cli[2]!.description, 'Rollback to 1');

    const history = await client.get(`/api/releases/${solo}/history?${everywhere}`);
    assert.equal(history.status, 200, history.text);
    assert.deepEqual(
      (history.json as Release[]).map((release) => [release.namespace, release.version]),
      [
        [otherNamespace, 1],
        [otherNamespace, 2],
        [otherNamespace, 3],
      ],
    );

    const missing = await client.get(`/api/releases/nothing-${solo}/0?${everywhere}`);
    assert.deepEqual([missing.status, missing.json], [404, { code: 602, errors: ['release not found'] }]);
  });

  test('an empty namespace and a name in two namespaces: 409/610 naming both, and nothing is changed', async () => {
    const expected = {
      code: 610,
      errors: [`release ${twin} exists in more than one namespace (${[otherNamespace, thirdNamespace].join(', ')}): name one with namespace`],
    };
    for (const reply of [
      await client.get(`/api/releases/${twin}/0?namespace=&context=admin`),
      await client.get(`/api/releases/${twin}/history?context=admin`),
      await client.post(`/api/releases/${twin}/upgrade`, { namespace: '', context: 'admin', values: 'message: which\n' }),
      await client.post(`/api/releases/${twin}/rollback`, { context: 'admin' }),
    ]) {
      assert.equal(reply.status, 409, reply.text);
      assert.deepEqual(reply.json, expected);
    }
    for (const where of [otherNamespace, thirdNamespace]) {
      const cli = JSON.parse(await helm(['history', twin, '-n', where, '-o', 'json'])) as unknown[];
      assert.equal(cli.length, 1, `${where}: no revision was written`);
      const named = await client.get(`/api/releases/${twin}/0?namespace=${where}&context=admin`);
      assert.equal((named.json as Release).namespace, where);
    }
  });

  test('an empty namespace needs credentials that may list every namespace: the limited context gets 403/608', async () => {
    const reply = await client.get(`/api/releases/${solo}/0?namespace=&context=limited`);
    assert.equal(reply.status, 403, reply.text);
    assert.equal((reply.json as { code: number }).code, 608);
  });

  test('namespaces of an allowed context', async () => {
    const reply = await client.get('/api/k8s/namespaces?context=admin');
    assert.equal(reply.status, 200, reply.text);
    const names = (reply.json as { items: Array<{ metadata: { name: string } }> }).items.map((item) => item.metadata.name);
    assert.ok(names.includes(namespace) && names.includes('default'), names.join(','));
  });

  test('read-your-writes: each kubeconfig change is seen by the very next releases request', async () => {
    for (let round = 0; round < 5; round += 1) {
      assert.equal((await client.put(`/api/users/${userId}`, { allowedContexts: ['limited'] })).status, 204);
      const refused = await client.get(`/api/releases?${query()}`);
      assert.equal(refused.status, 403, `round ${round}: ${refused.text}`);
      assert.equal((refused.json as { code: number }).code, 605);
      assert.equal((await client.put(`/api/users/${userId}`, { allowedContexts: ['admin', 'limited'] })).status, 204);
      const allowed = await client.get(`/api/releases?${query()}`);
      assert.equal(allowed.status, 200, `round ${round}: ${allowed.text}`);
    }
  });
});
