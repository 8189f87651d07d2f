import assert from 'node:assert/strict';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ReleaseDrift, ReleaseResources } from '@platform/contracts';
import { buildTestApp, call, createNamespace, deleteNamespace, helm, kubectl, query } from './fixtures.js';
import { writePlanChart } from '@platform/test-support';

const name = 'live';
let namespace: string;
let built: Awaited<ReturnType<typeof buildTestApp>>;
let target: string;

before(async () => {
  namespace = await createNamespace('rel-live');
  built = await buildTestApp();
  target = query({ namespace, context: 'admin' });
  await helm(['install', name, await writePlanChart(), '-n', namespace, '--set', 'extraObjects=2']);
});
after(async () => {
  await built.app.close();
  await deleteNamespace(namespace);
});

async function resources(): Promise<ReleaseResources> {
  const response = await call(built.app, 'GET', `/api/releases/${name}/resources?${target}`);
  assert.equal(response.statusCode, 200, response.body);
  return ReleaseResources.parse(response.json());
}

const statusOf = (list: ReleaseResources, kind: string, object: string) => list.resources.find((entry) => entry.kind === kind && entry.name === object)?.status;

test('health: no controller has acted yet, so workloads, claims and services are in progress', async () => {
  const list = await resources();
  assert.deepEqual(
    list.resources.map((entry) => [entry.kind, entry.name, entry.status]),
    [
      ['ConfigMap', `${name}-extra-0`, 'Current'],
      ['ConfigMap', `${name}-extra-1`, 'Current'],
      ['ConfigMap', `${name}-settings`, 'Current'],
      ['Deployment', `${name}-web`, 'InProgress'],
      ['Job', `${name}-migrate`, 'InProgress'],
      ['PersistentVolumeClaim', `${name}-data`, 'InProgress'],
      ['Secret', `${name}-creds`, 'Current'],
      ['Service', `${name}-web`, 'InProgress'],
    ],
  );
  assert.deepEqual(list.health, { status: 'InProgress', counts: { Failed: 0, NotFound: 0, Unknown: 0, InProgress: 4, Current: 4 } });
  assert.equal(list.revision, 1);
});

test('health follows the status subresource, endpoints and deletions', async () => {
  const patchStatus = (kind: string, object: string, status: unknown) =>
    kubectl(['patch', kind, object, '-n', namespace, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status })]);
  await patchStatus('deployment', `${name}-web`, { observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 });
  await patchStatus('pvc', `${name}-data`, { phase: 'Bound' });
  await createEndpoints(`${name}-web`);
  await kubectl(['delete', 'configmap', `${name}-extra-1`, '-n', namespace]);

  const list = await resources();
  assert.equal(statusOf(list, 'Deployment', `${name}-web`), 'Current');
  assert.equal(statusOf(list, 'PersistentVolumeClaim', `${name}-data`), 'Current');
  assert.equal(statusOf(list, 'Service', `${name}-web`), 'Current');
  assert.equal(statusOf(list, 'ConfigMap', `${name}-extra-1`), 'NotFound');
  assert.equal(statusOf(list, 'Job', `${name}-migrate`), 'InProgress');
  assert.deepEqual(list.health, { status: 'NotFound', counts: { Failed: 0, NotFound: 1, Unknown: 0, InProgress: 1, Current: 6 } });
});

test("the release list carries each release's summary health on request, and only then", async () => {
  const listed = await call(built.app, 'GET', `/api/releases?${target}&health=true`);
  assert.equal(listed.statusCode, 200, listed.body);
  assert.deepEqual(
    listed.json().map((release: { name: string; health: unknown }) => [release.name, release.health]),
    [[name, (await resources()).health]],
  );
  const plain = await call(built.app, 'GET', `/api/releases?${target}`);
  assert.equal(plain.json()[0].health, undefined);
});

test('drift: a kubectl-style PATCH of live objects shows as changed paths, the Secret redacted; a deleted object as missing', async () => {
  await kubectl(['patch', 'configmap', `${name}-settings`, '-n', namespace, '--type=merge', '-p', '{"data":{"greeting":"edited by hand"}}']);
  await kubectl([
    'patch',
    'secret',
    `${name}-creds`,
    '-n',
    namespace,
    '--type=merge',
    '-p',
    `{"data":{"password":"${Buffer.from('hand-set-password').toString('base64')}"}}`,
  ]);
  await kubectl(['scale', 'deployment', `${name}-web`, '-n', namespace, '--replicas=4']);

  const response = await call(built.app, 'GET', `/api/releases/${name}/drift?${target}`);
  assert.equal(response.statusCode, 200, response.body);
  const drift = ReleaseDrift.parse(response.json());
  assert.deepEqual(
    drift.objects.filter((object) => object.state !== 'unchanged').map((object) => [object.kind, object.name, object.state, object.paths]),
    [
      ['ConfigMap', `${name}-extra-1`, 'missing', []],
      ['ConfigMap', `${name}-settings`, 'changed', ['data.greeting']],
      ['Deployment', `${name}-web`, 'changed', ['spec.replicas']],
      ['Secret', `${name}-creds`, 'changed', ['data.password']],
    ],
  );
  assert.deepEqual(drift.summary, { missing: 1, changed: 3, unchanged: 4, unknown: 0 });
  const settings = drift.objects.find((object) => object.name === `${name}-settings`)!;
  assert.match(settings.diff, /^--- manifest\n\+\+\+ live\n[\s\S]*-  greeting: hello\n\+  greeting: edited by hand\n/);
  for (const secret of ['hand-set-password', 'first-secret-value']) {
    assert.ok(!response.body.includes(Buffer.from(secret).toString('base64')) && !response.body.includes(secret), 'a Secret value leaked');
  }
  const again = await call(built.app, 'GET', `/api/releases/${name}/drift?${target}`);
  assert.equal(again.body, response.body);
});

async function createEndpoints(service: string): Promise<void> {
  const endpoints = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: service, namespace },
    subsets: [{ addresses: [{ ip: '10.1.2.3' }], ports: [{ port: 80 }] }],
  };
  const file = join(await mkdtemp(join(tmpdir(), 'releases-test-endpoints-')), 'endpoints.json');
  await writeFile(file, JSON.stringify(endpoints));
  await kubectl(['create', '-f', file]);
}

test('objects in a namespace the context may not list are Unknown (health) and unknown (drift), not a failure', async () => {
  const chart = join(await mkdtemp(join(tmpdir(), 'releases-test-reach-')), 'reach');
  await mkdir(join(chart, 'templates'), { recursive: true });
  await writeFile(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: reach\nversion: 0.1.0\n');
  await writeFile(join(chart, 'templates', 'own.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-own\ndata: {}\n');
  await writeFile(
    join(chart, 'templates', 'elsewhere.yaml'),
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-elsewhere\n  namespace: ${namespace}\ndata: {}\n`,
  );
  const release = `reach-${Date.now().toString(36)}`;
  await helm(['install', release, chart, '-n', 'team-a']);
  try {
    const limited = query({ namespace: 'team-a', context: 'limited' });
    const response = await call(built.app, 'GET', `/api/releases/${release}/resources?${limited}`);
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(
      ReleaseResources.parse(response.json()).resources.map((entry) => [entry.namespace, entry.status, entry.message]),
      [
        ['team-a', 'Current', 'exists'],
        [namespace, 'Unknown', `not allowed to list configmaps in ${namespace}`],
      ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
    );
    const drift = ReleaseDrift.parse((await call(built.app, 'GET', `/api/releases/${release}/drift?${limited}`)).json());
    assert.deepEqual(drift.summary, { missing: 0, changed: 0, unchanged: 1, unknown: 1 });
  } finally {
    await helm(['uninstall', release, '-n', 'team-a']);
  }
});
