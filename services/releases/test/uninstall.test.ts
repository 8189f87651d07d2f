import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ErrorCode } from '@platform/contracts';
import { packageChart } from './chart-sources.js';
import { buildTestApp, call, configMapData, createNamespace, deleteNamespace, helm, query, writeDemoChart } from './fixtures.js';

let namespace: string;
let chart: string;
let built: Awaited<ReturnType<typeof buildTestApp>>;

before(async () => {
  namespace = await createNamespace('rel-uninstall');
  chart = await writeDemoChart();
  built = await buildTestApp();
});
after(async () => {
  await built.app.close();
  await deleteNamespace(namespace);
});

const uninstall = (name: string, extra: Record<string, string | boolean> = {}, storage = 'secret') =>
  call(built.app, 'DELETE', `/api/releases/${name}?${query({ namespace, context: 'admin', storage, ...extra })}`);
const history = async (name: string, driver = 'secret') =>
  JSON.parse(await helm(['history', name, '-n', namespace, '-o', 'json'], driver)) as Array<{ revision: number; status: string }>;

for (const storage of ['secret', 'configmap'] as const) {
  test(`uninstall (${storage}): the objects and records go, as helm uninstall does`, async () => {
    const name = `gone-${storage}`;
    await helm(['install', name, chart, '-n', namespace], storage);
    const response = await uninstall(name, {}, storage);
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.body, '');
    await assert.rejects(configMapData(namespace, `${name}-settings`), /NotFound|not found/);
    await assert.rejects(helm(['history', name, '-n', namespace], storage), /release: not found/);
    const again = await uninstall(name, {}, storage);
    assert.deepEqual([again.statusCode, again.json()], [404, { code: ErrorCode.NotFound, errors: ['release not found'] }]);
  });
}

test('keepHistory: the release stays uninstalled, can be rolled back, and a second uninstall purges it', async () => {
  await helm(['install', 'kept', chart, '-n', namespace, '--set', 'greeting=first']);
  await helm(['upgrade', 'kept', chart, '-n', namespace, '--set', 'greeting=second']);
  const response = await uninstall('kept', { keepHistory: true });
  assert.equal(response.statusCode, 200, response.body);
  assert.deepEqual(
    (await history('kept')).map((entry) => [entry.revision, entry.status]),
    [
      [1, 'superseded'],
      [2, 'uninstalled'],
    ],
  );
  await assert.rejects(configMapData(namespace, 'kept-settings'), /NotFound|not found/);

  const twice = await uninstall('kept', { keepHistory: true });
  assert.deepEqual([twice.statusCode, twice.json().code], [404, ErrorCode.NotFound]);
  const archive = (await packageChart(chart)).toString('base64');
  const taken = await call(built.app, 'POST', '/api/releases', { name: 'kept', namespace, context: 'admin', chart: { archive } });
  assert.deepEqual([taken.statusCode, taken.json().code], [409, ErrorCode.ReleaseNameTaken], 'Helm keeps the name of an uninstalled release with history');

  const rollback = await call(built.app, 'POST', '/api/releases/kept/rollback', { namespace, context: 'admin', revision: 1 });
  assert.equal(rollback.statusCode, 200, rollback.body);
  assert.equal((await configMapData(namespace, 'kept-settings')).greeting, 'first');
  assert.deepEqual(
    (await history('kept')).map((entry) => entry.status),
    ['superseded', 'uninstalled', 'deployed'],
  );

  const purge = await uninstall('kept');
  assert.equal(purge.statusCode, 200, purge.body);
  await assert.rejects(helm(['history', 'kept', '-n', namespace]), /release: not found/);
});

test('an empty namespace finds the release by name; bad parameters are refused', async () => {
  await helm(['install', 'anywhere', chart, '-n', namespace]);
  const response = await call(built.app, 'DELETE', `/api/releases/anywhere?${query({ context: 'admin' })}`);
  assert.equal(response.statusCode, 200, response.body);
  await assert.rejects(helm(['history', 'anywhere', '-n', namespace]), /release: not found/);

  const memory = await uninstall('anywhere', {}, 'memory');
  assert.deepEqual([memory.statusCode, memory.json()], [422, { code: ErrorCode.ValidationFailed, errors: ['oneof validation failed'] }]);
  const badFlag = await uninstall('anywhere', { keepHistory: 'maybe' } as never);
  assert.deepEqual([badFlag.statusCode, badFlag.json().code], [400, ErrorCode.BadRequest]);
  const badName = await call(built.app, 'DELETE', `/api/releases/Bad_Name?${query({ namespace, context: 'admin' })}`);
  assert.deepEqual([badName.statusCode, badName.json().code], [422, ErrorCode.ValidationFailed]);
});
