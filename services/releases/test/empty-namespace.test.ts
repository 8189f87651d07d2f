import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ErrorCode } from '@platform/contracts';
import type { HelmRelease } from '../src/helm/codec.js';
import { MemoryReleaseRecords } from '../src/helm/drivers/memory.js';
import { memoryScope } from '../src/release-access.js';
import { buildTestApp, call, query, userId } from './fixtures.js';

/** An empty namespace is every namespace (docs/api-decisions.md): one release is found by its name alone. */
const memory = new MemoryReleaseRecords();
let built: Awaited<ReturnType<typeof buildTestApp>>;

function release(name: string, namespace: string, version: number, status: string): HelmRelease {
  const at = `2024-01-0${version}T00:00:00Z`;
  return {
    name,
    namespace,
    version,
    info: { first_deployed: at, last_deployed: at, deleted: '', description: 'Install complete', status },
    chart: { metadata: { apiVersion: 'v2', name: 'demo', version: '0.1.0' }, templates: [], values: {} },
    config: { revision: version },
    manifest: '',
    hooks: [],
  };
}

before(async () => {
  const driver = memory.driver(memoryScope(userId, 'admin'));
  await driver.create(release('solo', 'team-x', 1, 'superseded'));
  await driver.create(release('solo', 'team-x', 2, 'deployed'));
  await driver.create(release('twin', 'team-y', 1, 'deployed'));
  await driver.create(release('twin', 'team-x', 1, 'deployed'));
  built = await buildTestApp({ memoryReleases: memory });
});
after(async () => built.app.close());

const everywhere = { context: 'admin', storage: 'memory', namespace: '' };
const get = (path: string) => call(built.app, 'GET', `/api/releases/${path}?${query(everywhere)}`);

test('get and history find a release by name in whatever namespace it is', async () => {
  const latest = await get('solo/0');
  assert.equal(latest.statusCode, 200, latest.body);
  assert.deepEqual([latest.json().namespace, latest.json().version], ['team-x', 2]);
  assert.equal((await get('solo/1')).json().version, 1);
  const history = await get('solo/history');
  assert.deepEqual(
    history.json().map((entry: HelmRelease) => [entry.namespace, entry.version]),
    [
      ['team-x', 1],
      ['team-x', 2],
    ],
  );
});

test('a name in two namespaces is 409/610 naming both; a named namespace still finds each', async () => {
  for (const path of ['twin/0', 'twin/history']) {
    const response = await get(path);
    assert.equal(response.statusCode, 409, path);
    assert.deepEqual(response.json(), {
      code: ErrorCode.AmbiguousRelease,
      errors: ['release twin exists in more than one namespace (team-x, team-y): name one with namespace'],
    });
  }
  const named = await call(built.app, 'GET', `/api/releases/twin/0?${query({ ...everywhere, namespace: 'team-y' })}`);
  assert.equal(named.statusCode, 200);
  assert.equal(named.json().namespace, 'team-y');
});

test('the views of one revision resolve an empty namespace alike', async () => {
  const values = await get('solo/1/values');
  assert.equal(values.statusCode, 200, values.body);
  assert.equal((await get('solo/0/manifest')).statusCode, 200);
  for (const path of ['twin/0/values', 'twin/0/manifest', 'twin/0/notes', 'twin/diff?from=1&to=1']) {
    const [route, extra] = path.split('?');
    const response = await call(built.app, 'GET', `/api/releases/${route}?${query(everywhere)}${extra ? `&${extra}` : ''}`);
    assert.equal(response.statusCode, 409, path);
    assert.equal(response.json().code, ErrorCode.AmbiguousRelease, path);
  }
});

test('an unknown name is 404/602 in every namespace too', async () => {
  assert.deepEqual((await get('nobody/0')).json(), { code: ErrorCode.NotFound, errors: ['release not found'] });
  assert.equal((await get('nobody/history')).statusCode, 404);
});

test("rollback with an empty namespace acts in the release's namespace; an ambiguous name changes nothing", async () => {
  const rolledBack = await call(built.app, 'POST', '/api/releases/solo/rollback', { ...everywhere, revision: 1 });
  assert.equal(rolledBack.statusCode, 200, rolledBack.body);
  const history = (await get('solo/history')).json();
  assert.deepEqual(
    history.map((entry: HelmRelease) => [entry.namespace, entry.version, entry.info.status]),
    [
      ['team-x', 1, 'superseded'],
      ['team-x', 2, 'superseded'],
      ['team-x', 3, 'deployed'],
    ],
  );

  for (const [operation, body] of [
    ['rollback', { revision: 1 }],
    ['upgrade', { values: 'a: 1' }],
  ] as const) {
    const refused = await call(built.app, 'POST', `/api/releases/twin/${operation}`, { ...everywhere, ...body });
    assert.equal(refused.statusCode, 409, operation);
    assert.equal(refused.json().code, ErrorCode.AmbiguousRelease);
  }
  const records = await memory.driver(memoryScope(userId, 'admin')).list('', 'twin');
  assert.deepEqual(
    records.map((record) => record.version),
    [1, 1],
    'no revision was written',
  );
});
