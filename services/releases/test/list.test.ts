import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ErrorCode } from '@platform/contracts';
import type { HelmRelease } from '../src/helm/codec.js';
import { MemoryReleaseRecords } from '../src/helm/drivers/memory.js';
import { releasesJson } from '../src/helm/actions/list.js';
import { releaseBodyOf } from '../src/helm/body-cache.js';
import { memoryScope } from '../src/release-access.js';
import { buildTestApp, call, query, userId, writeDemoChart } from './fixtures.js';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';

const memory = new MemoryReleaseRecords();
let built: Awaited<ReturnType<typeof buildTestApp>>;
let chart: HelmRelease['chart'];

/** A release as helm would store it, with the demo chart's files base64-encoded. */
function release(name: string, version: number, status: string, namespace: string, deployedAt: string): HelmRelease {
  return {
    name,
    namespace,
    version,
    info: { first_deployed: deployedAt, last_deployed: deployedAt, deleted: '', description: 'Install complete', status },
    chart,
    config: { greeting: `${name}-${version}` },
    manifest: `---\n# Source: demo/templates/configmap.yaml\n`,
    hooks: [],
  };
}

before(async () => {
  const folder = await writeDemoChart();
  const encode = async (path: string) => (await readFile(join(folder, path))).toString('base64');
  chart = {
    metadata: { apiVersion: 'v2', name: 'demo', version: '0.1.0', appVersion: '1.0' },
    lock: null,
    templates: await Promise.all(
      (await readdir(join(folder, 'templates'))).map(async (file) => ({ name: `templates/${file}`, data: await encode(`templates/${file}`) })),
    ),
    values: { greeting: 'hello', count: 1 },
    schema: await encode('values.schema.json'),
    files: [{ name: 'README.md', data: await encode('README.md') }],
  };
  const driver = memory.driver(memoryScope(userId, 'admin'));
  const seed: Array<[string, number, string, string, string]> = [
    ['alpha', 1, 'superseded', 'one', '2024-01-01T00:00:00Z'],
    ['alpha', 2, 'deployed', 'one', '2024-03-01T00:00:00Z'],
    ['bravo', 1, 'failed', 'one', '2024-02-01T00:00:00Z'],
    ['charlie', 1, 'deployed', 'two', '2024-01-15T00:00:00Z'],
    ['delta', 1, 'deployed', 'two', '2024-04-01T00:00:00Z'],
    // Pending since just now: an operation in flight (an old pending revision is recovered, see stale-pending).
    ['delta', 2, 'pending-upgrade', 'two', new Date().toISOString()],
    ['echo', 1, 'uninstalled', 'one', '2024-01-20T00:00:00Z'],
  ];
  for (const [name, version, status, namespace, at] of seed) await driver.create(release(name, version, status, namespace, at));
  built = await buildTestApp({ memoryReleases: memory });
});
after(async () => built.app.close());

async function list(params: Record<string, string | number | boolean>): Promise<string[]> {
  const response = await call(built.app, 'GET', `/api/releases?${query({ context: 'admin', storage: 'memory', ...params })}`);
  assert.equal(response.statusCode, 200, response.body);
  return response.json().map((entry: HelmRelease) => `${entry.name}.v${entry.version}`);
}

test('default: latest revision per release, deployed and failed, sorted by name, all namespaces', async () => {
  assert.deepEqual(await list({}), ['alpha.v2', 'bravo.v1', 'charlie.v1']);
  assert.deepEqual(await list({ namespace: 'two' }), ['charlie.v1']);
});

test('statusFilter, repeated or comma separated', async () => {
  assert.deepEqual(await list({ statusFilter: 'pending-upgrade,uninstalled' }), ['delta.v2', 'echo.v1']);
  const repeated = await call(built.app, 'GET', `/api/releases?context=admin&storage=memory&statusFilter=failed&statusFilter=uninstalled`);
  assert.deepEqual(
    repeated.json().map((entry: HelmRelease) => entry.name),
    ['bravo', 'echo'],
  );
  // Only superseded: the latest-revision filter is skipped, as helm does.
  assert.deepEqual(await list({ statusFilter: 'superseded' }), ['alpha.v1']);
  const bad = await call(built.app, 'GET', '/api/releases?context=admin&storage=memory&statusFilter=sleeping');
  assert.equal(bad.statusCode, 422);
});

test('byDate sorts by last deployed; skip and limit page', async () => {
  assert.deepEqual(await list({ byDate: true }), ['charlie.v1', 'bravo.v1', 'alpha.v2']);
  assert.deepEqual(await list({ byDate: true, skip: 1, limit: 1 }), ['bravo.v1']);
  assert.deepEqual(await list({ skip: 2 }), ['charlie.v1']);
  assert.deepEqual(await list({ limit: 0 }), ['alpha.v2', 'bravo.v1', 'charlie.v1']);
  assert.deepEqual(await list({ skip: 9 }), []);
});

test('storage must be one of secret, configmap, memory', async () => {
  const response = await call(built.app, 'GET', '/api/releases?context=admin&storage=etcd');
  assert.deepEqual(response.json(), { code: ErrorCode.ValidationFailed, errors: ['oneof validation failed'] });
});

test('revision 0 is the latest deployed revision, else the highest', async () => {
  const get = async (name: string, revision: number) =>
    (
      await call(
        built.app,
        'GET',
        `/api/releases/${name}/${revision}?${query({ context: 'admin', storage: 'memory', namespace: name === 'delta' ? 'two' : 'one' })}`,
      )
    ).json();
  assert.equal((await get('delta', 0)).version, 1);
  assert.equal((await get('delta', 2)).info.status, 'pending-upgrade');
  assert.equal((await get('bravo', 0)).version, 1);
  const history = await call(built.app, 'GET', `/api/releases/alpha/history?${query({ context: 'admin', storage: 'memory', namespace: 'one' })}`);
  assert.deepEqual(
    history.json().map((entry: HelmRelease) => [entry.version, entry.info.status]),
    [
      [1, 'superseded'],
      [2, 'deployed'],
    ],
  );
});

test('memory upgrade renders with helm template; rollback copies the target; one deployed revision', async () => {
  const target = { context: 'admin', storage: 'memory', namespace: 'one' };
  const upgraded = await call(built.app, 'POST', '/api/releases/alpha/upgrade', { ...target, values: 'greeting: memory\n' });
  assert.equal(upgraded.statusCode, 200, upgraded.body);
  const v3 = (await call(built.app, 'GET', `/api/releases/alpha/3?${query(target)}`)).json();
  assert.equal(v3.info.description, 'Upgrade complete');
  assert.deepEqual(v3.config, { greeting: 'memory' });
  assert.match(v3.manifest, /name: alpha-settings[\s\S]*greeting: "memory"/);

  const schemaFailure = await call(built.app, 'POST', '/api/releases/alpha/upgrade', { ...target, values: 'count: many\n' });
  assert.equal(schemaFailure.statusCode, 422);
  assert.equal(schemaFailure.json().code, ErrorCode.InvalidValues);

  const rolledBack = await call(built.app, 'POST', '/api/releases/alpha/rollback', { ...target, revision: 2 });
  assert.equal(rolledBack.statusCode, 200, rolledBack.body);
  const history = (await call(built.app, 'GET', `/api/releases/alpha/history?${query(target)}`)).json();
  assert.deepEqual(
    history.map((entry: HelmRelease) => [entry.version, entry.info.status, entry.info.description]),
    [
      [1, 'superseded', 'Install complete'],
      [2, 'superseded', 'Install complete'],
      [3, 'superseded', 'Upgrade complete'],
      [4, 'deployed', 'Rollback to 2'],
    ],
  );
  assert.deepEqual(history[3].config, { greeting: 'alpha-2' });
});

test('a pending release refuses operations with 409/606', async () => {
  const target = { context: 'admin', storage: 'memory', namespace: 'two' };
  for (const [path, body] of [
    ['upgrade', { values: 'greeting: x' }],
    ['rollback', { revision: 1 }],
  ] as const) {
    const response = await call(built.app, 'POST', `/api/releases/delta/${path}`, { ...target, ...body });
    assert.equal(response.statusCode, 409);
    assert.equal(response.json().code, ErrorCode.OperationInProgress);
  }
});

test('memory releases are kept apart per user', async () => {
  const response = await call(built.app, 'GET', `/api/releases?${query({ context: 'admin', storage: 'memory' })}`, undefined, userId + 1);
  assert.deepEqual(response.json(), []);
});

test('the list answer is the stored bodies as one UTF-8 JSON array, non-ASCII text and an empty page included', () => {
  const bodies = [
    releaseBodyOf(release('émile', 1, 'deployed', 'one', '2024-01-01T00:00:00Z')),
    releaseBodyOf(release('zoë', 2, 'failed', 'two', '2024-02-01T00:00:00Z')),
  ];
  const answer = releasesJson(bodies);
  assert.equal(answer.toString('utf8'), `[${bodies[0]!.bytes.toString('utf8')},${bodies[1]!.bytes.toString('utf8')}]`);
  assert.equal(JSON.parse(answer.toString('utf8'))[1].name, 'zoë');
  assert.equal(releasesJson([]).toString('utf8'), '[]');
  assert.equal(releasesJson(bodies.slice(1)).toString('utf8'), `[${bodies[1]!.bytes.toString('utf8')}]`);
});
