import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ErrorCode, ErrorMessage, Release, ReleasePlan } from '@platform/contracts';
import { planChartDefaults, writePlanChart } from '@platform/test-support';
import { packageChart } from './chart-sources.js';
import { buildTestApp, call, createNamespace, deleteNamespace, helm, kubectl } from './fixtures.js';

let namespace: string;
let chart: string;
let archive: string;
let built: Awaited<ReturnType<typeof buildTestApp>>;

before(async () => {
  namespace = await createNamespace('rel-install-plan');
  chart = await writePlanChart();
  archive = (await packageChart(chart)).toString('base64');
  built = await buildTestApp();
});
after(async () => {
  await built?.app.close();
  await deleteNamespace(namespace);
});

const install = (body: Record<string, unknown>) => call(built.app, 'POST', '/api/releases', { namespace, context: 'admin', chart: { archive }, ...body });
const installed = async () => (JSON.parse(await helm(['list', '-n', namespace, '-a', '-o', 'json'])) as Array<{ name: string }>).map((entry) => entry.name);
const givenPassword = 'install-secret-value';

test('an install plan: every object added, the Secret redacted, values from none, nothing written, byte-identical twice', async () => {
  const response = await install({ name: 'fresh', values: `password: ${givenPassword}\n`, dryRun: true });
  assert.equal(response.statusCode, 200, response.body);
  const plan = ReleasePlan.parse(response.json());
  assert.deepEqual([plan.operation, plan.name, plan.namespace, plan.basedOnRevision], ['install', 'fresh', namespace, 0]);
  assert.deepEqual(
    [plan.from, plan.to, plan.chartChanged],
    [{ revision: 0, chart: '', appVersion: '' }, { revision: null, chart: 'planned-0.1.0', appVersion: '1.0' }, true],
  );
  assert.deepEqual(
    plan.objects.map((object) => [object.kind, object.name, object.change]),
    [
      ['ConfigMap', 'fresh-settings', 'added'],
      ['Deployment', 'fresh-web', 'added'],
      ['Job', 'fresh-migrate', 'added'],
      ['PersistentVolumeClaim', 'fresh-data', 'added'],
      ['Secret', 'fresh-creds', 'added'],
      ['Service', 'fresh-web', 'added'],
    ],
  );
  assert.deepEqual(plan.summary, { added: 6, removed: 0, changed: 0, unchanged: 0 });
  assert.match(plan.objects.find((object) => object.kind === 'Secret')!.diff, /^--- none\n\+\+\+ planned\n[\s\S]*\+ {2}password: "?\(redacted\)"?\n/);
  assert.match(plan.manifest, /password: "?\(redacted\)"?/);
  const objectsAndManifest = JSON.stringify([plan.objects, plan.manifest]);
  for (const secret of [planChartDefaults.password, givenPassword]) {
    assert.ok(!objectsAndManifest.includes(secret) && !objectsAndManifest.includes(Buffer.from(secret).toString('base64')), 'a Secret value leaked');
  }
  assert.deepEqual([plan.values.user.changed, plan.values.user.paths], [true, ['password']]);
  assert.deepEqual(plan.values.computed.paths, ['extraObjects', 'greeting', 'image', 'password', 'replicas']);
  assert.deepEqual(plan.admission, { accepted: 6, refused: [], unknown: [] });
  assert.deepEqual(await installed(), [], 'a plan writes nothing');

  const again = await install({ name: 'fresh', values: `password: ${givenPassword}\n`, dryRun: true });
  assert.equal(again.body, response.body, 'two identical plans are byte-identical');
});

test('installing with the plan token installs exactly the plan; the token again is refused 409/609', async () => {
  const { planToken } = ReleasePlan.parse((await install({ name: 'by-plan', values: 'replicas: 2\n', dryRun: true })).json());
  const otherValues = await install({ name: 'by-plan', values: 'replicas: 3\n', planToken });
  assert.equal(otherValues.statusCode, 409);
  assert.deepEqual(otherValues.json(), { code: ErrorCode.PlanStale, errors: [ErrorMessage.planStale] });
  const otherOption = await install({ name: 'by-plan', values: 'replicas: 2\n', createNamespace: true, planToken });
  assert.equal(otherOption.json().code, ErrorCode.PlanStale);

  const applied = await install({ name: 'by-plan', values: 'replicas: 2\n', planToken });
  assert.equal(applied.statusCode, 201, applied.body);
  assert.deepEqual(Release.parse(applied.json()).config, { replicas: 2 });
  const replayed = await install({ name: 'by-plan', values: 'replicas: 2\n', planToken });
  assert.deepEqual([replayed.statusCode, replayed.json().code], [409, ErrorCode.PlanStale]);
});

test('a plan token is refused after a concurrent helm CLI install of the same name, which stays as the CLI made it', async () => {
  const { planToken } = ReleasePlan.parse((await install({ name: 'raced', values: 'greeting: planned\n', dryRun: true })).json());
  await helm(['install', 'raced', chart, '-n', namespace, '--set', 'greeting=from-the-cli']);
  const stale = await install({ name: 'raced', values: 'greeting: planned\n', planToken });
  assert.equal(stale.statusCode, 409);
  assert.deepEqual(stale.json(), { code: ErrorCode.PlanStale, errors: [ErrorMessage.planStale] });
  const history = JSON.parse(await helm(['history', 'raced', '-n', namespace, '-o', 'json'])) as Array<{ revision: number }>;
  assert.deepEqual(
    history.map((entry) => entry.revision),
    [1],
  );
  assert.equal(JSON.parse(await helm(['get', 'values', 'raced', '-n', namespace, '-o', 'json'])).greeting, 'from-the-cli');
  const plain = await install({ name: 'raced', values: 'greeting: planned\n', dryRun: true });
  assert.equal(plain.json().code, ErrorCode.ReleaseNameTaken, 'planning a taken name is refused as the install would be');
});

test('createNamespace: objects waiting for the namespace the install would create are unknown, not refused', async () => {
  const absent = `${namespace}-new`;
  const response = await call(built.app, 'POST', '/api/releases', {
    namespace: absent,
    context: 'admin',
    chart: { archive },
    name: 'elsewhere',
    createNamespace: true,
    dryRun: true,
  });
  assert.equal(response.statusCode, 200, response.body);
  const admission = ReleasePlan.parse(response.json()).admission!;
  assert.deepEqual([admission.accepted, admission.refused], [0, []]);
  assert.deepEqual(
    admission.unknown.map((verdict) => [verdict.kind, verdict.message]),
    ['ConfigMap', 'Deployment', 'Job', 'PersistentVolumeClaim', 'Secret', 'Service'].map((kind) => [
      kind,
      `namespace ${absent} does not exist yet: the install creates it`,
    ]),
  );
  await assert.rejects(kubectl(['get', 'namespace', absent]), 'a plan creates no namespace');
});
