import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ErrorCode, ReleasePlan } from '@platform/contracts';
import { MemoryReleaseRecords } from '../src/helm/drivers/memory.js';
import { memoryScope } from '../src/release-access.js';
import { buildTestApp, call, createNamespace, deleteNamespace, helm, query, userId } from './fixtures.js';
import { planChartDefaults, writePlanChart } from '@platform/test-support';

const name = 'planned';
let namespace: string;
let chart: string;
let built: Awaited<ReturnType<typeof buildTestApp>>;
let target: { namespace: string; context: string; storage: 'secret' };

before(async () => {
  namespace = await createNamespace('rel-plan');
  chart = await writePlanChart();
  built = await buildTestApp();
  target = { namespace, context: 'admin', storage: 'secret' };
  await helm(['install', name, chart, '-n', namespace]);
});
after(async () => {
  await built.app.close();
  await deleteNamespace(namespace);
});

async function revisions(): Promise<number[]> {
  return JSON.parse(await helm(['history', name, '-n', namespace, '-o', 'json'])).map((entry: { revision: number }) => entry.revision);
}

const newValues = 'password: rotated-secret-value\nreplicas: 3\n';

test('an upgrade plan: the objects and fields that change, the Secret redacted, nothing applied', async () => {
  const response = await call(built.app, 'POST', `/api/releases/${name}/upgrade`, { ...target, values: newValues, dryRun: true });
  assert.equal(response.statusCode, 200, response.body);
  const plan = ReleasePlan.parse(response.json());
  assert.equal(plan.operation, 'upgrade');
  assert.equal(plan.basedOnRevision, 1);
  assert.deepEqual(plan.from, { revision: 1, chart: 'planned-0.1.0', appVersion: '1.0' });
  assert.equal(plan.to.revision, null);
  assert.deepEqual(
    plan.objects.map((object) => [object.kind, object.name, object.change, object.paths]),
    [
      ['Deployment', `${name}-web`, 'changed', ['spec.replicas']],
      ['Secret', `${name}-creds`, 'changed', ['data.password']],
    ],
  );
  assert.deepEqual(plan.values.user.paths, ['password', 'replicas']);
  assert.deepEqual(plan.values.computed.paths, ['password', 'replicas']);
  assert.match(plan.manifest, /kind: Deployment[\s\S]*replicas: 3/);
  assert.match(plan.manifest, /password: "?\(redacted\)"?/);
  const objectsAndManifest = JSON.stringify([plan.objects, plan.manifest]);
  for (const secret of [planChartDefaults.password, 'rotated-secret-value']) {
    assert.ok(!objectsAndManifest.includes(secret) && !objectsAndManifest.includes(Buffer.from(secret).toString('base64')), 'a Secret value leaked');
  }
  assert.deepEqual(plan.admission, { accepted: 6, refused: [], unknown: [] });
  assert.deepEqual(await revisions(), [1], 'a plan changes nothing');

  const again = await call(built.app, 'POST', `/api/releases/${name}/upgrade`, { ...target, values: newValues, dryRun: true });
  assert.equal(again.body, response.body, 'two identical plans are byte-identical');
});

test('applying with the plan token applies; the same token again is refused (the release moved)', async () => {
  const { planToken } = (await call(built.app, 'POST', `/api/releases/${name}/upgrade`, { ...target, values: newValues, dryRun: true })).json();
  const applied = await call(built.app, 'POST', `/api/releases/${name}/upgrade`, { ...target, values: newValues, planToken });
  assert.equal(applied.statusCode, 200, applied.body);
  assert.deepEqual(await revisions(), [1, 2]);
  const replayed = await call(built.app, 'POST', `/api/releases/${name}/upgrade`, { ...target, values: newValues, planToken });
  assert.equal(replayed.statusCode, 409);
  assert.deepEqual(replayed.json(), { code: ErrorCode.PlanStale, errors: ['the release changed since the plan, or the request is not the planned one'] });
  assert.deepEqual(await revisions(), [1, 2]);
});

test('a plan token is refused after a concurrent helm CLI upgrade, and for other values than planned', async () => {
  const { planToken } = (await call(built.app, 'POST', `/api/releases/${name}/upgrade`, { ...target, values: 'greeting: planned\n', dryRun: true })).json();
  const otherValues = await call(built.app, 'POST', `/api/releases/${name}/upgrade`, { ...target, values: 'greeting: not-planned\n', planToken });
  assert.equal(otherValues.statusCode, 409);
  assert.equal(otherValues.json().code, ErrorCode.PlanStale);
  const forged = await call(built.app, 'POST', `/api/releases/${name}/upgrade`, { ...target, values: 'greeting: planned\n', planToken: `${planToken}x` });
  assert.equal(forged.json().code, ErrorCode.PlanStale);

  await helm(['upgrade', name, chart, '-n', namespace, '--set', 'greeting=from-the-cli']);
  const stale = await call(built.app, 'POST', `/api/releases/${name}/upgrade`, { ...target, values: 'greeting: planned\n', planToken });
  assert.equal(stale.statusCode, 409);
  assert.equal(stale.json().code, ErrorCode.PlanStale);
  assert.deepEqual(await revisions(), [1, 2, 3]);
  assert.equal(JSON.parse(await helm(['get', 'values', name, '-n', namespace, '-o', 'json'])).greeting, 'from-the-cli');
});

test('a rollback plan is the target revision against the deployed one; its token applies it', async () => {
  const response = await call(built.app, 'POST', `/api/releases/${name}/rollback`, { ...target, revision: 1, dryRun: true });
  assert.equal(response.statusCode, 200, response.body);
  const plan = ReleasePlan.parse(response.json());
  assert.equal(plan.operation, 'rollback');
  assert.deepEqual([plan.from.revision, plan.basedOnRevision], [3, 3]);
  // Revision 3 (the CLI's, without --reuse-values) is back to the default password: only the greeting differs.
  assert.deepEqual(
    plan.objects.map((object) => [object.kind, object.paths]),
    [['ConfigMap', ['data.greeting']]],
  );
  assert.match(plan.notes.diff, /-Say from-the-cli to planned\.\n\+Say hello to planned\.\n/);
  const wrongTarget = await call(built.app, 'POST', `/api/releases/${name}/rollback`, { ...target, revision: 2, planToken: plan.planToken });
  assert.equal(wrongTarget.json().code, ErrorCode.PlanStale);
  const applied = await call(built.app, 'POST', `/api/releases/${name}/rollback`, { ...target, revision: 1, planToken: plan.planToken });
  assert.equal(applied.statusCode, 200, applied.body);
  assert.deepEqual(await revisions(), [1, 2, 3, 4]);
});

test('plans refuse what the operation would refuse: bad values 422/607, unknown revision 404/602', async () => {
  const bad = await call(built.app, 'POST', `/api/releases/${name}/upgrade`, { ...target, values: 'replicas: [unclosed', dryRun: true });
  assert.equal(bad.statusCode, 422);
  assert.equal(bad.json().code, ErrorCode.InvalidValues);
  // helm renders `replicas: many` without complaint; the apiserver's dry run refuses it.
  const refused = await call(built.app, 'POST', `/api/releases/${name}/upgrade`, { ...target, values: 'replicas: many\n', dryRun: true });
  assert.equal(refused.statusCode, 200, refused.body);
  const admission = ReleasePlan.parse(refused.json()).admission!;
  assert.deepEqual(
    admission.refused.map((verdict) => [verdict.kind, verdict.name]),
    [['Deployment', `${name}-web`]],
  );
  assert.match(admission.refused[0]!.message, /replicas/);
  assert.equal(admission.accepted, 5);
  const unknown = await call(built.app, 'POST', `/api/releases/${name}/rollback`, { ...target, revision: 99, dryRun: true });
  assert.equal(unknown.statusCode, 404);
  const status = await call(built.app, 'GET', `/api/releases/${name}/history?${query({ namespace, context: 'admin' })}`);
  assert.equal(status.json().length, 4);
});

test('a memory release is planned with helm template, and its plan token applies it', async () => {
  const memory = new MemoryReleaseRecords();
  const template = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-memo\ndata:\n  note: {{ .Values.note | quote }}\n';
  const rendered = '---\n# Source: memo/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: memo-memo\ndata:\n  note: "first"\n';
  await memory.driver(memoryScope(userId, 'admin')).create({
    name: 'memo',
    namespace: 'in-memory',
    version: 1,
    info: { first_deployed: '2024-01-01T00:00:00Z', last_deployed: '2024-01-01T00:00:00Z', deleted: '', description: 'Install complete', status: 'deployed' },
    chart: {
      metadata: { apiVersion: 'v2', name: 'memo', version: '0.1.0' },
      templates: [{ name: 'templates/cm.yaml', data: Buffer.from(template).toString('base64') }],
      values: { note: 'first' },
    },
    config: {},
    manifest: rendered,
    hooks: [],
  });
  const memoryApp = await buildTestApp({ memoryReleases: memory });
  try {
    const memoryTarget = { namespace: 'in-memory', context: 'admin', storage: 'memory' };
    const response = await call(memoryApp.app, 'POST', '/api/releases/memo/upgrade', { ...memoryTarget, values: 'note: second\n', dryRun: true });
    assert.equal(response.statusCode, 200, response.body);
    const plan = ReleasePlan.parse(response.json());
    assert.deepEqual(
      plan.objects.map((object) => [object.kind, object.name, object.paths]),
      [['ConfigMap', 'memo-memo', ['data.note']]],
    );
    assert.equal(plan.admission, null, 'a memory release touches no cluster');
    const applied = await call(memoryApp.app, 'POST', '/api/releases/memo/upgrade', { ...memoryTarget, values: 'note: second\n', planToken: plan.planToken });
    assert.equal(applied.statusCode, 200, applied.body);
    const again = await call(memoryApp.app, 'POST', '/api/releases/memo/upgrade', { ...memoryTarget, values: 'note: second\n', planToken: plan.planToken });
    assert.equal(again.json().code, ErrorCode.PlanStale);
  } finally {
    await memoryApp.app.close();
  }
});
