import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ErrorCode } from '@platform/contracts';
import { secretsDriver } from '../src/helm/drivers/secrets.js';
import { ReleaseStore } from '../src/helm/storage.js';
import { buildTestApp, call, configMapData, createNamespace, deleteNamespace, helm, query, userId, writeDemoChart } from './fixtures.js';

let namespace: string;
let chart: string;
let built: Awaited<ReturnType<typeof buildTestApp>>;
before(async () => {
  namespace = await createNamespace('rel-interop');
  chart = await writeDemoChart();
  built = await buildTestApp();
});
after(async () => {
  await built.app.close();
  await deleteNamespace(namespace);
});

interface HistoryEntry {
  revision: number;
  status: string;
  description: string;
}

for (const storage of ['secret', 'configmap'] as const) {
  describe(`helm CLI and the API on ${storage} storage`, () => {
    const name = `web-${storage}`;
    // Read when a test runs: the namespace is made in before().
    let target: { namespace: string; context: string; storage: typeof storage };
    before(() => {
      target = { namespace, context: 'admin', storage };
    });

    test('install with the CLI, then list, get and history through the API', async () => {
      await helm(['install', name, chart, '-n', namespace], storage);
      const list = await call(built.app, 'GET', `/api/releases?${query(target)}`);
      assert.equal(list.statusCode, 200);
      const releases = list.json();
      assert.deepEqual(
        releases.map((release: { name: string }) => release.name),
        [name],
      );
      assert.equal(releases[0].info.status, 'deployed');
      assert.equal(releases[0].chart.metadata.name, 'demo');
      assert.ok(Array.isArray(releases[0].chart.templates));

      const latest = await call(built.app, 'GET', `/api/releases/${name}/0?${query(target)}`);
      assert.equal(latest.statusCode, 200);
      assert.equal(latest.json().version, 1);
      assert.equal(latest.json().info.notes, `Installed ${name}.\n`);
      const history = await call(built.app, 'GET', `/api/releases/${name}/history?${query(target)}`);
      assert.deepEqual(
        history.json().map((release: { version: number }) => release.version),
        [1],
      );
    });

    test('upgrade through the API: new values reach the cluster and helm reads the record', async () => {
      const upgraded = await call(built.app, 'POST', `/api/releases/${name}/upgrade`, { ...target, values: 'greeting: bonjour\ncount: 2\n' });
      assert.equal(upgraded.statusCode, 200, upgraded.body);
      assert.equal(upgraded.body, '');
      assert.deepEqual(await configMapData(namespace, `${name}-settings`), { greeting: 'bonjour', count: '2' });
      assert.deepEqual(JSON.parse(await helm(['get', 'values', name, '-n', namespace, '-o', 'json'], storage)), { greeting: 'bonjour', count: 2 });
      const history: HistoryEntry[] = JSON.parse(await helm(['history', name, '-n', namespace, '-o', 'json'], storage));
      assert.deepEqual(
        history.map((entry) => [entry.revision, entry.status, entry.description]),
        [
          [1, 'superseded', 'Install complete'],
          [2, 'deployed', 'Upgrade complete'],
        ],
      );
    });

    test('empty values reuse the previous ones', async () => {
      const upgraded = await call(built.app, 'POST', `/api/releases/${name}/upgrade`, { ...target, values: '' });
      assert.equal(upgraded.statusCode, 200, upgraded.body);
      const release = (await call(built.app, 'GET', `/api/releases/${name}/3?${query(target)}`)).json();
      assert.deepEqual(release.config, { greeting: 'bonjour', count: 2 });
    });

    test('rollback through the API restores the old objects; the CLI agrees and can upgrade again', async () => {
      const rolledBack = await call(built.app, 'POST', `/api/releases/${name}/rollback`, { ...target, revision: 1 });
      assert.equal(rolledBack.statusCode, 200, rolledBack.body);
      assert.deepEqual(await configMapData(namespace, `${name}-settings`), { greeting: 'hello', count: '1' });
      const history: HistoryEntry[] = JSON.parse(await helm(['history', name, '-n', namespace, '-o', 'json'], storage));
      assert.deepEqual(history.at(-1), { ...history.at(-1), revision: 4, status: 'deployed', description: 'Rollback to 1' });
      assert.equal(history.filter((entry) => entry.status === 'deployed').length, 1);
      const manifest = await helm(['get', 'manifest', name, '-n', namespace], storage);
      const apiRelease = (await call(built.app, 'GET', `/api/releases/${name}/0?${query(target)}`)).json();
      assert.equal(apiRelease.version, 4);
      assert.equal(apiRelease.manifest.trim(), manifest.trim());

      await helm(['upgrade', name, chart, '-n', namespace, '--set', 'greeting=cli'], storage);
      assert.equal((await configMapData(namespace, `${name}-settings`)).greeting, 'cli');
      const afterCli = (await call(built.app, 'GET', `/api/releases/${name}/0?${query(target)}`)).json();
      assert.equal(afterCli.version, 5);
    });

    test('rollback to revision 0 means the previous revision', async () => {
      const rolledBack = await call(built.app, 'POST', `/api/releases/${name}/rollback`, { ...target, revision: 0 });
      assert.equal(rolledBack.statusCode, 200, rolledBack.body);
      const latest = (await call(built.app, 'GET', `/api/releases/${name}/0?${query(target)}`)).json();
      assert.equal(latest.version, 6);
      assert.equal(latest.info.description, 'Rollback to 4');
    });
  });
}

test('bad values: not YAML, not a map, or against the schema: 422/607', async () => {
  const target = { namespace, context: 'admin', storage: 'secret' };
  for (const values of ['greeting: [unclosed', '- a list', 'greeting:\n  nested: object']) {
    const response = await call(built.app, 'POST', '/api/releases/web-secret/upgrade', { ...target, values });
    assert.equal(response.statusCode, 422, values);
    assert.equal(response.json().code, ErrorCode.InvalidValues);
  }
});

test('unknown release or revision: 404/602', async () => {
  const target = query({ namespace, context: 'admin' });
  for (const url of [`/api/releases/nothing/0?${target}`, `/api/releases/web-secret/99?${target}`, `/api/releases/nothing/history?${target}`]) {
    const response = await call(built.app, 'GET', url);
    assert.equal(response.statusCode, 404, url);
    assert.deepEqual(response.json(), { code: ErrorCode.NotFound, errors: ['release not found'] });
  }
  const rollback = await call(built.app, 'POST', '/api/releases/web-secret/rollback', { namespace, context: 'admin', revision: 99 });
  assert.equal(rollback.statusCode, 404);
});

test('a revision written by our secrets driver is read by the helm CLI', async () => {
  const client = await built.clusterClients.clientFor(userId, 'admin');
  const store = new ReleaseStore(secretsDriver(client.api, built.decoder));
  const latest = await store.get(namespace, 'web-secret', 0);
  await store.update({ ...latest, info: { ...latest.info, status: 'superseded' } });
  await store.create({ ...latest, version: latest.version + 1, info: { ...latest.info, description: 'written by the API' } });
  const history: HistoryEntry[] = JSON.parse(await helm(['history', 'web-secret', '-n', namespace, '-o', 'json']));
  assert.deepEqual(history.at(-1), { ...history.at(-1), revision: latest.version + 1, status: 'deployed', description: 'written by the API' });
  await helm(['upgrade', 'web-secret', chart, '-n', namespace, '--set', 'greeting=again']);
  assert.equal((await configMapData(namespace, 'web-secret-settings')).greeting, 'again');
});

test('concurrent upgrades of one release: one succeeds, the others get 409/606, never two deployed', async () => {
  const target = { namespace, context: 'admin', storage: 'configmap' };
  const responses = await Promise.all(
    [1, 2, 3, 4].map((index) => call(built.app, 'POST', '/api/releases/web-configmap/upgrade', { ...target, values: `greeting: race${index}\n` })),
  );
  const codes = responses.map((response) => response.statusCode).sort();
  assert.deepEqual(codes, [200, 409, 409, 409]);
  for (const response of responses.filter((entry) => entry.statusCode === 409)) assert.equal(response.json().code, ErrorCode.OperationInProgress);
  const history: HistoryEntry[] = JSON.parse(await helm(['history', 'web-configmap', '-n', namespace, '-o', 'json'], 'configmap'));
  assert.equal(history.filter((entry) => entry.status === 'deployed').length, 1);
});
