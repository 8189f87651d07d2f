import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ErrorCode } from '@platform/contracts';
import type { HelmRelease } from '../src/helm/codec.js';
import { ReleasesConfig } from '../src/config.js';
import { stalePendingDescription } from '../src/helm/actions/operation.js';
import { MemoryReleaseRecords } from '../src/helm/drivers/memory.js';
import { secretsDriver } from '../src/helm/drivers/secrets.js';
import { ReleaseStore } from '../src/helm/storage.js';
import { memoryScope } from '../src/release-access.js';
import { buildTestApp, call, configMapData, createNamespace, deleteNamespace, helm, query, userId, writeDemoChart } from './fixtures.js';

/**
 * A releases replica killed in the middle of an upgrade leaves the latest revision pending, and nothing would
 * ever finish it. The next operation marks such a revision failed once it is older than PENDING_STALE_AFTER_MS
 * (the test apps keep the default, HELM_TIMEOUT_MS + 30 s), then proceeds; a younger one still means an
 * operation in flight (409/606). The records are written here exactly as a killed helm leaves them.
 */
const staleAgo = new Date(Date.now() - 10 * 60_000).toISOString();

interface HistoryEntry {
  revision: number;
  status: string;
  description: string;
}

/** The revision a killed `helm upgrade` leaves: the next version, pending, "Preparing upgrade", started at `startedAt`. */
function killedUpgrade(latest: HelmRelease, startedAt: string, values: Record<string, unknown>): HelmRelease {
  return {
    ...latest,
    version: latest.version + 1,
    config: values,
    info: { ...latest.info, last_deployed: startedAt, status: 'pending-upgrade', description: 'Preparing upgrade' },
  };
}

describe('a stale pending revision on a cluster (secret storage, helm CLI as the oracle)', () => {
  let namespace: string;
  let chart: string;
  let built: Awaited<ReturnType<typeof buildTestApp>>;
  let store: ReleaseStore;
  before(async () => {
    namespace = await createNamespace('rel-stale');
    chart = await writeDemoChart();
    built = await buildTestApp();
    store = new ReleaseStore(secretsDriver((await built.clusterClients.clientFor(userId, 'admin')).api, built.decoder));
  });
  after(async () => {
    await built?.app.close();
    await deleteNamespace(namespace);
  });

  const history = async (name: string): Promise<HistoryEntry[]> => JSON.parse(await helm(['history', name, '-n', namespace, '-o', 'json']));

  test('is marked failed by the next upgrade, which then succeeds; one deployed revision', async () => {
    await helm(['install', 'stale', chart, '-n', namespace]);
    const installed = await store.get(namespace, 'stale', 1);
    await store.create(killedUpgrade(installed, staleAgo, { greeting: 'never applied' }));

    const upgraded = await call(built.app, 'POST', '/api/releases/stale/upgrade', { namespace, context: 'admin', values: 'greeting: recovered\n' });
    assert.equal(upgraded.statusCode, 200, upgraded.body);
    assert.deepEqual(
      (await history('stale')).map((entry) => [entry.revision, entry.status, entry.description]),
      [
        [1, 'superseded', 'Install complete'],
        [2, 'failed', stalePendingDescription],
        [3, 'deployed', 'Upgrade complete'],
      ],
    );
    assert.equal((await configMapData(namespace, 'stale-settings')).greeting, 'recovered');
    const api = await call(built.app, 'GET', `/api/releases/stale/history?${query({ namespace, context: 'admin' })}`);
    assert.deepEqual(
      api.json().map((release: HelmRelease) => release.info.status),
      ['superseded', 'failed', 'deployed'],
    );
  });

  test('a killed upgrade that had already superseded the deployed revision: recovered, one deployed again', async () => {
    await helm(['install', 'orphan', chart, '-n', namespace]);
    const installed = await store.get(namespace, 'orphan', 1);
    await store.create(killedUpgrade(installed, staleAgo, { greeting: 'half done' }));
    await store.update({ ...installed, info: { ...installed.info, status: 'superseded' } });

    const rolledBack = await call(built.app, 'POST', '/api/releases/orphan/rollback', { namespace, context: 'admin', revision: 1 });
    assert.equal(rolledBack.statusCode, 200, rolledBack.body);
    const entries = await history('orphan');
    assert.deepEqual(
      entries.map((entry) => [entry.revision, entry.status]),
      [
        [1, 'superseded'],
        [2, 'failed'],
        [3, 'deployed'],
      ],
    );
    assert.equal(entries[2]!.description, 'Rollback to 1');
  });

  test('a fresh pending revision is an operation in flight: 409/606, and it stays pending', async () => {
    await helm(['install', 'busy', chart, '-n', namespace]);
    const installed = await store.get(namespace, 'busy', 1);
    await store.create(killedUpgrade(installed, new Date().toISOString(), { greeting: 'in flight' }));

    for (const [path, body] of [
      ['upgrade', { values: 'greeting: too soon\n' }],
      ['rollback', { revision: 1 }],
    ] as const) {
      const response = await call(built.app, 'POST', `/api/releases/busy/${path}`, { namespace, context: 'admin', ...body });
      assert.equal(response.statusCode, 409, response.body);
      assert.equal(response.json().code, ErrorCode.OperationInProgress);
    }
    assert.deepEqual(
      (await history('busy')).map((entry) => [entry.revision, entry.status]),
      [
        [1, 'deployed'],
        [2, 'pending-upgrade'],
      ],
    );
  });
});

test('memory storage follows the same rule', async (t) => {
  const memory = new MemoryReleaseRecords();
  const built = await buildTestApp({ memoryReleases: memory });
  t.after(() => built.app.close());
  const chartFolder = await writeDemoChart();
  const target = { context: 'admin', storage: 'memory', namespace: 'mem' } as const;
  const encode = async (path: string) => (await readFile(join(chartFolder, path))).toString('base64');
  const installed: HelmRelease = {
    name: 'mem',
    namespace: 'mem',
    version: 1,
    info: { first_deployed: staleAgo, last_deployed: staleAgo, deleted: '', description: 'Install complete', status: 'deployed' },
    chart: {
      metadata: { apiVersion: 'v2', name: 'demo', version: '0.1.0' },
      templates: await Promise.all(
        (await readdir(join(chartFolder, 'templates'))).map(async (file) => ({ name: `templates/${file}`, data: await encode(`templates/${file}`) })),
      ),
      values: { greeting: 'hello', count: 1 },
      files: [],
    },
    config: {},
    manifest: '',
    hooks: [],
  };
  const driver = memory.driver(memoryScope(userId, 'admin'));
  await driver.create(installed);
  await driver.create(killedUpgrade(installed, new Date().toISOString(), {}));
  const refused = await call(built.app, 'POST', '/api/releases/mem/upgrade', { ...target, values: 'greeting: soon\n' });
  assert.equal(refused.statusCode, 409);

  await driver.update(killedUpgrade(installed, staleAgo, {}));
  const upgraded = await call(built.app, 'POST', '/api/releases/mem/upgrade', { ...target, values: 'greeting: later\n' });
  assert.equal(upgraded.statusCode, 200, upgraded.body);
  const history = (await call(built.app, 'GET', `/api/releases/mem/history?${query(target)}`)).json<HelmRelease[]>();
  assert.deepEqual(
    history.map((release) => [release.version, release.info.status]),
    [
      [1, 'superseded'],
      [2, 'failed'],
      [3, 'deployed'],
    ],
  );
  assert.equal(history[1]!.info.description, stalePendingDescription);
});

test('PENDING_STALE_AFTER_MS must be longer than HELM_TIMEOUT_MS', () => {
  const env = { INTERNAL_SIGNING_SECRET: 'x'.repeat(32), NATS_URL: 'nats://127.0.0.1:4222', HELM_TIMEOUT_MS: '60000' };
  assert.equal(ReleasesConfig.safeParse({ ...env, PENDING_STALE_AFTER_MS: '60000' }).success, false);
  assert.equal(ReleasesConfig.safeParse({ ...env, PENDING_STALE_AFTER_MS: '90000' }).data?.PENDING_STALE_AFTER_MS, 90_000);
  assert.equal(ReleasesConfig.parse(env).PENDING_STALE_AFTER_MS, undefined, 'then HELM_TIMEOUT_MS + 30 s');
});
