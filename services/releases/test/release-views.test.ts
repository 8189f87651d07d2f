import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ErrorCode, ReleaseDiff } from '@platform/contracts';
import { buildTestApp, call, createNamespace, deleteNamespace, helm, query } from './fixtures.js';
import { planChartDefaults, writePlanChart } from '@platform/test-support';

const name = 'viewed';
let namespace: string;
let built: Awaited<ReturnType<typeof buildTestApp>>;
let target: string;

before(async () => {
  namespace = await createNamespace('rel-views');
  const chart = await writePlanChart();
  built = await buildTestApp();
  target = query({ namespace, context: 'admin' });
  await helm(['install', name, chart, '-n', namespace, '--set', 'greeting=hi']);
  await helm([
    'upgrade',
    name,
    await writePlanChart('0.2.0'),
    '-n',
    namespace,
    '--set',
    'greeting=hi',
    '--set',
    'password=second-secret-value',
    '--set',
    'replicas=3',
  ]);
});
after(async () => {
  await built.app.close();
  await deleteNamespace(namespace);
});

test('diff between revisions: the changed objects and fields, the Secret redacted, values, notes and chart', async () => {
  const response = await call(built.app, 'GET', `/api/releases/${name}/diff?${target}&from=1&to=2`);
  assert.equal(response.statusCode, 200, response.body);
  const diff = ReleaseDiff.parse(response.json());
  assert.deepEqual(
    diff.objects.map((object) => [object.kind, object.name, object.change, object.paths]),
    [
      ['Deployment', `${name}-web`, 'changed', ['spec.replicas']],
      ['Secret', `${name}-creds`, 'changed', ['data.password']],
    ],
  );
  assert.deepEqual(diff.summary, { added: 0, removed: 0, changed: 2, unchanged: 4 });
  // Values are the user's own input, shown as `helm get values` shows them; the Secret's data never is.
  const objects = JSON.stringify(diff.objects);
  for (const value of [planChartDefaults.password, 'second-secret-value']) {
    assert.ok(!objects.includes(value) && !response.body.includes(Buffer.from(value).toString('base64')), 'a secret value leaked');
  }
  assert.match(diff.objects[1]!.diff, /-  password: \(redacted, before\)\n\+  password: \(redacted, after\)/);
  assert.deepEqual(diff.values.user.paths, ['password', 'replicas']);
  assert.deepEqual([diff.from.chart, diff.to.chart, diff.chartChanged], ['planned-0.1.0', 'planned-0.2.0', true]);
  assert.equal(diff.notes.changed, false);

  const again = await call(built.app, 'GET', `/api/releases/${name}/diff?${target}&from=1&to=2`);
  assert.equal(again.body, response.body, 'two identical diffs are byte-identical');
  const latest = await call(built.app, 'GET', `/api/releases/${name}/diff?${target}&from=1&to=0`);
  assert.equal(latest.body, response.body, '0 is the latest deployed revision');
});

test("a revision's manifest, values (user-supplied and computed) and notes", async () => {
  const manifest = await call(built.app, 'GET', `/api/releases/${name}/1/manifest?${target}`);
  assert.equal(manifest.statusCode, 200, manifest.body);
  assert.equal(manifest.json().revision, 1);
  const fromHelm = (await helm(['get', 'manifest', name, '-n', namespace, '--revision', '1'])).trim();
  const secretValues = /(  password: )"[^"]+"\n(  user: )"[^"]+"/;
  assert.match(fromHelm, secretValues);
  assert.equal(manifest.json().manifest.trim(), fromHelm.replace(secretValues, '$1"(redacted)"\n$2"(redacted)"'), "helm's manifest, Secret values redacted");

  const values = await call(built.app, 'GET', `/api/releases/${name}/2/values?${target}`);
  assert.deepEqual(values.json(), { name, namespace, revision: 2, computed: false, values: { greeting: 'hi', password: 'second-secret-value', replicas: 3 } });
  const all = await call(built.app, 'GET', `/api/releases/${name}/2/values?${target}&all=true`);
  assert.deepEqual(all.json().values, JSON.parse(await helm(['get', 'values', name, '-n', namespace, '--all', '-o', 'json'])));

  const notes = await call(built.app, 'GET', `/api/releases/${name}/0/notes?${target}`);
  assert.deepEqual(notes.json(), { name, namespace, revision: 2, notes: `Say hi to ${name}.\n` });
});

test('unknown release or revision: 404/602; bad revision numbers: 400/600', async () => {
  for (const url of [
    `/api/releases/${name}/diff?${target}&from=1&to=9`,
    `/api/releases/nothing/diff?${target}&from=1&to=2`,
    `/api/releases/${name}/9/manifest?${target}`,
  ]) {
    const response = await call(built.app, 'GET', url);
    assert.equal(response.statusCode, 404, url);
    assert.equal(response.json().code, ErrorCode.NotFound);
  }
  for (const url of [`/api/releases/${name}/diff?${target}&from=x&to=2`, `/api/releases/${name}/-1/values?${target}`]) {
    const response = await call(built.app, 'GET', url);
    assert.equal(response.statusCode, 400, url);
    assert.equal(response.json().code, ErrorCode.BadRequest);
  }
});
