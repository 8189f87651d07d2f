import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Release } from '@platform/contracts';
import { packageChart } from './chart-sources.js';
import { buildTestApp, call, configMapData, createNamespace, deleteNamespace, helm, helm4, query, writeDemoChart } from './fixtures.js';

/**
 * Releases the platform installs, upgrades, rolls back and uninstalls (with Helm 3, its helm binary) are
 * read and operated by the Helm 3 and Helm 4 CLIs alike, and what Helm 4 writes the platform reads and
 * operates: the storage format is the same `sh.helm.release.v1` record.
 */
let namespace: string;
let chart: string;
let archive: string;
let built: Awaited<ReturnType<typeof buildTestApp>>;

before(async () => {
  namespace = await createNamespace('rel-helm4');
  chart = await writeDemoChart();
  archive = (await packageChart(chart)).toString('base64');
  built = await buildTestApp();
});
after(async () => {
  await built.app.close();
  await deleteNamespace(namespace);
});

type Cli = typeof helm;
const clis: Array<[string, Cli]> = [
  ['helm 3', helm],
  ['helm 4', helm4],
];

for (const storage of ['secret', 'configmap'] as const) {
  describe(`Helm 3, Helm 4 and the platform on ${storage} storage`, () => {
    let target: { namespace: string; context: string; storage: typeof storage };
    before(() => {
      target = { namespace, context: 'admin', storage };
    });

    /** [revision, status, description] of every revision, as the CLI reads it. */
    async function cliHistory(cli: Cli, name: string): Promise<Array<[number, string, string]>> {
      const entries = JSON.parse(await cli(['history', name, '-n', namespace, '-o', 'json'], storage)) as Array<{
        revision: number;
        status: string;
        description: string;
      }>;
      return entries.map((entry) => [entry.revision, entry.status, entry.description]);
    }

    async function apiHistory(name: string): Promise<Array<[number, string, string]>> {
      const response = await call(built.app, 'GET', `/api/releases/${name}/history?${query(target)}`);
      assert.equal(response.statusCode, 200, response.body);
      return (response.json() as unknown[])
        .map((entry) => Release.parse(entry))
        .map((release) => [release.version, release.info.status, release.info.description ?? '']);
    }

    async function everyoneAgrees(name: string, expected: Array<[number, string]>): Promise<void> {
      const api = await apiHistory(name);
      assert.deepEqual(
        api.map(([revision, status]) => [revision, status]),
        expected,
        'the platform',
      );
      for (const [label, cli] of clis) assert.deepEqual(await cliHistory(cli, name), api, label);
    }

    test('the platform installs, upgrades, rolls back and uninstalls; both CLIs read every step', async () => {
      const name = `platform-${storage}`;
      const installed = await call(built.app, 'POST', '/api/releases', { name, ...target, chart: { archive }, values: 'greeting: one\n' });
      assert.equal(installed.statusCode, 201, installed.body);
      await everyoneAgrees(name, [[1, 'deployed']]);
      for (const [label, cli] of clis)
        assert.deepEqual(JSON.parse(await cli(['get', 'values', name, '-n', namespace, '-o', 'json'], storage)), { greeting: 'one' }, label);

      const upgraded = await call(built.app, 'POST', `/api/releases/${name}/upgrade`, { ...target, values: 'greeting: two\n' });
      assert.equal(upgraded.statusCode, 200, upgraded.body);
      await everyoneAgrees(name, [
        [1, 'superseded'],
        [2, 'deployed'],
      ]);

      const rolledBack = await call(built.app, 'POST', `/api/releases/${name}/rollback`, { ...target, revision: 1 });
      assert.equal(rolledBack.statusCode, 200, rolledBack.body);
      await everyoneAgrees(name, [
        [1, 'superseded'],
        [2, 'superseded'],
        [3, 'deployed'],
      ]);
      assert.equal((await configMapData(namespace, `${name}-settings`)).greeting, 'one');

      const kept = await call(built.app, 'DELETE', `/api/releases/${name}?${query({ ...target, keepHistory: true })}`);
      assert.equal(kept.statusCode, 200, kept.body);
      await everyoneAgrees(name, [
        [1, 'superseded'],
        [2, 'superseded'],
        [3, 'uninstalled'],
      ]);

      // Helm 4 brings it back from the platform's uninstalled record (which stays `uninstalled`, as Helm
      // leaves it); then the platform purges it.
      await helm4(['rollback', name, '2', '-n', namespace], storage);
      await everyoneAgrees(name, [
        [1, 'superseded'],
        [2, 'superseded'],
        [3, 'uninstalled'],
        [4, 'deployed'],
      ]);
      assert.equal((await configMapData(namespace, `${name}-settings`)).greeting, 'two');
      const purged = await call(built.app, 'DELETE', `/api/releases/${name}?${query(target)}`);
      assert.equal(purged.statusCode, 200, purged.body);
      for (const [label, cli] of clis) await assert.rejects(cli(['history', name, '-n', namespace], storage), /not found/, label);
    });

    test('Helm 4 installs, upgrades and uninstalls with history; the platform reads and operates each step', async () => {
      const name = `helm4-${storage}`;
      await helm4(['install', name, chart, '-n', namespace, '--set', 'greeting=four'], storage);
      await everyoneAgrees(name, [[1, 'deployed']]);
      const latest = await call(built.app, 'GET', `/api/releases/${name}/0?${query(target)}`);
      const release = Release.parse(latest.json());
      assert.deepEqual([release.chart.metadata.name, release.chart.metadata.version, release.config], ['demo', '0.1.0', { greeting: 'four' }]);
      assert.equal(release.info.notes, `Installed ${name}.\n`);

      await helm4(['upgrade', name, chart, '-n', namespace, '--set', 'greeting=five'], storage);
      // The platform re-renders Helm 4's stored chart with new values.
      const upgraded = await call(built.app, 'POST', `/api/releases/${name}/upgrade`, { ...target, values: 'greeting: six\n' });
      assert.equal(upgraded.statusCode, 200, upgraded.body);
      await everyoneAgrees(name, [
        [1, 'superseded'],
        [2, 'superseded'],
        [3, 'deployed'],
      ]);
      assert.equal((await configMapData(namespace, `${name}-settings`)).greeting, 'six');

      await helm4(['uninstall', name, '-n', namespace, '--keep-history'], storage);
      await everyoneAgrees(name, [
        [1, 'superseded'],
        [2, 'superseded'],
        [3, 'uninstalled'],
      ]);
      const rolledBack = await call(built.app, 'POST', `/api/releases/${name}/rollback`, { ...target, revision: 2 });
      assert.equal(rolledBack.statusCode, 200, rolledBack.body);
      await everyoneAgrees(name, [
        [1, 'superseded'],
        [2, 'superseded'],
        [3, 'uninstalled'],
        [4, 'deployed'],
      ]);
      assert.equal((await configMapData(namespace, `${name}-settings`)).greeting, 'five');

      await helm(['uninstall', name, '-n', namespace], storage);
      const gone = await call(built.app, 'GET', `/api/releases/${name}/history?${query(target)}`);
      assert.equal(gone.statusCode, 404);
    });
  });
}
