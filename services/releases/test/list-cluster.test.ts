import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { HelmRelease } from '../src/helm/codec.js';
import { secretsDriver } from '../src/helm/drivers/secrets.js';
import { ReleaseStore } from '../src/helm/storage.js';
import { buildTestApp, call, createNamespace, deleteNamespace, helm, kubectl, query, userId, writeDemoChart } from './fixtures.js';

let namespace: string;
let chart: string;
let built: Awaited<ReturnType<typeof buildTestApp>>;
before(async () => {
  namespace = await createNamespace('rel-list');
  chart = await writeDemoChart();
  built = await buildTestApp();
  for (const name of ['one', 'two', 'three']) await helm(['install', name, chart, '-n', namespace, '--set', `greeting=${name}`]);
});
after(async () => {
  await built.app.close();
  // Without a namespace controller a deleted namespace keeps its objects: the 70 copies go first.
  await kubectl(['delete', 'secrets', '--all', '-n', namespace, '--wait=false']);
  await deleteNamespace(namespace);
});

async function list(params: Record<string, string | number> = {}): Promise<HelmRelease[]> {
  const response = await call(built.app, 'GET', `/api/releases?${query({ context: 'admin', namespace, ...params })}`);
  assert.equal(response.statusCode, 200, response.body);
  assert.match(String(response.headers['content-type']), /^application\/json/);
  assert.match(String(response.headers['server-timing']), /access;dur=[0-9.]+, entries;dur=[0-9.]+, bodies;dur=[0-9.]+, join;dur=[0-9.]+/);
  return response.json();
}

const summary = (releases: HelmRelease[]) =>
  releases.map((release) => `${release.name}.v${release.version}:${release.info.status}:${(release.config as { greeting?: string }).greeting}`);

test('a list reads what the helm CLI wrote just before, never a cached body of an older write', async () => {
  assert.deepEqual(summary(await list()), ['one.v1:deployed:one', 'three.v1:deployed:three', 'two.v1:deployed:two']);
  // helm rewrites revision 1 in place (superseded) and adds revision 2: both must show at once.
  await helm(['upgrade', 'two', chart, '-n', namespace, '--set', 'greeting=upgraded']);
  assert.deepEqual(summary(await list()), ['one.v1:deployed:one', 'three.v1:deployed:three', 'two.v2:deployed:upgraded']);
  assert.deepEqual(summary(await list({ statusFilter: 'superseded' })), ['two.v1:superseded:two']);
  await helm(['uninstall', 'three', '-n', namespace, '--keep-history']);
  assert.deepEqual(summary(await list()), ['one.v1:deployed:one', 'two.v2:deployed:upgraded']);
  assert.deepEqual(summary(await list({ statusFilter: 'uninstalled' })), ['three.v1:uninstalled:three']);
});

test('each release goes out exactly as a get of it answers, in pages', async () => {
  const releases = await list();
  for (const release of releases) {
    const single = await call(built.app, 'GET', `/api/releases/${release.name}/${release.version}?${query({ context: 'admin', namespace })}`);
    assert.deepEqual(release, single.json());
  }
  assert.deepEqual(summary(await list({ limit: 1, skip: 1 })), summary(releases.slice(1, 2)));
  assert.deepEqual(summary(await list({ byDate: 'true', limit: 1 })), ['one.v1:deployed:one']);
});

test('bodies come from the cache once read, and a cold cache with many missing reads them in one list', async () => {
  const store = new ReleaseStore(secretsDriver((await built.clusterClients.clientFor(userId, 'admin')).api, built.decoder));
  const template = await store.get(namespace, 'one', 1);
  // More than the driver fetches one GET at a time: the first list of a fresh app reads the namespace once.
  for (let index = 0; index < 70; index += 1) {
    const name = `copy-${String(index).padStart(3, '0')}`;
    await store.create({ ...template, name, config: { greeting: name } });
  }
  const fresh = await buildTestApp();
  try {
    const first = await call(fresh.app, 'GET', `/api/releases?${query({ context: 'admin', namespace, limit: 100 })}`);
    assert.equal(first.statusCode, 200, first.body);
    const names = first.json().map((release: HelmRelease) => `${release.name}:${(release.config as { greeting?: string }).greeting}`);
    assert.equal(names.length, 72);
    assert.equal(names[0], 'copy-000:copy-000');
    assert.equal(fresh.bodies.size, 72);
    const again = await call(fresh.app, 'GET', `/api/releases?${query({ context: 'admin', namespace, limit: 100 })}`);
    assert.equal(again.body, first.body);
    assert.equal(fresh.bodies.size, 72);
  } finally {
    await fresh.app.close();
  }
});

test('with the default mask superseded records are never read, and the answer is still what helm list answers', async () => {
  // Revision 1 of `one` becomes superseded: a second revision to hide, as every upgrade leaves one.
  await helm(['upgrade', 'one', chart, '-n', namespace, '--set', 'greeting=again']);
  const { api } = await built.clusterClients.clientFor(userId, 'admin');
  const selectors: string[] = [];
  const metadataList = api.metadataList.bind(api);
  api.metadataList = async (path, ...rest) => {
    selectors.push(decodeURIComponent(path.split('labelSelector=')[1] ?? ''));
    return metadataList(path, ...rest);
  };
  try {
    const ours = (await list({ limit: 1000 })).map((release) => `${release.name}.v${release.version}:${release.info.status}`);
    assert.equal(selectors.at(-1), 'owner=helm,status!=superseded');
    const helms = (
      JSON.parse(await helm(['list', '-n', namespace, '-o', 'json', '--max', '0'])) as Array<{ name: string; revision: string; status: string }>
    ).map((release) => `${release.name}.v${release.revision}:${release.status}`);
    assert.deepEqual(ours.sort(), helms.sort());
    assert.ok(ours.includes('one.v2:deployed'));
    assert.deepEqual(summary(await list({ statusFilter: 'superseded' })), ['one.v1:superseded:one', 'two.v1:superseded:two']);
    assert.equal(selectors.at(-1), 'owner=helm', 'asked for superseded revisions, it reads them');
  } finally {
    api.metadataList = metadataList;
  }
});
