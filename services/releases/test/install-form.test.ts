import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ErrorCode, Release, ReleasePlan, chartArchiveMaxBytes } from '@platform/contracts';
import { signIdentity } from '@platform/service-kit';
import { packageChart } from './chart-sources.js';
import { buildTestApp, configMapData, createNamespace, deleteNamespace, signingSecret, userId, writeDemoChart } from './fixtures.js';

let namespace: string;
let archive: Buffer;
let built: Awaited<ReturnType<typeof buildTestApp>>;

before(async () => {
  namespace = await createNamespace('rel-form');
  archive = await packageChart(await writeDemoChart());
  built = await buildTestApp();
});
after(async () => {
  await built.app.close();
  await deleteNamespace(namespace);
});

/** POST /api/releases as multipart/form-data, encoded by the platform's own FormData (as a browser would). */
async function installForm(fields: Record<string, string>, chart?: Buffer | string) {
  const form = new FormData();
  for (const [name, value] of Object.entries({ namespace, context: 'admin', ...fields })) form.append(name, value);
  if (Buffer.isBuffer(chart)) form.append('chart', new Blob([chart]), 'demo-0.1.0.tgz');
  else if (chart !== undefined) form.append('chart', chart);
  const encoded = new Request('http://releases.test/api/releases', { method: 'POST', body: form });
  const headers = signIdentity(signingSecret, { kind: 'user', userId }, { audience: 'releases', method: 'POST', url: '/api/releases' });
  return built.app.inject({
    method: 'POST',
    url: '/api/releases',
    headers: { ...headers, 'content-type': encoded.headers.get('content-type')! },
    payload: Buffer.from(await encoded.arrayBuffer()),
  });
}

test('a chart uploaded as a form file installs like the base64 archive; dryRun answers the plan', async () => {
  const planned = await installForm({ name: 'form-upload', values: 'greeting: planned\n', dryRun: 'true' }, archive);
  assert.equal(planned.statusCode, 200, planned.body);
  assert.equal(ReleasePlan.parse(planned.json()).operation, 'install');
  const installed = await installForm({ name: 'form-upload', values: 'greeting: from-form\n', createNamespace: 'false' }, archive);
  assert.equal(installed.statusCode, 201, installed.body);
  assert.deepEqual(Release.parse(installed.json()).config, { greeting: 'from-form' });
  assert.equal((await configMapData(namespace, 'form-upload-settings')).greeting, 'from-form');
});

test('form errors keep the JSON body codes: 413 over the cap, 422/601 a missing field or a bad archive, 400/600 a wrong type', async () => {
  const tooLarge = await installForm({ name: 'too-large' }, Buffer.alloc(chartArchiveMaxBytes + 1, 1));
  assert.deepEqual([tooLarge.statusCode, tooLarge.json()], [413, { code: ErrorCode.BadRequest, errors: ['request body too large'] }]);
  const noChart = await installForm({ name: 'no-chart' });
  assert.deepEqual([noChart.statusCode, noChart.json()], [422, { code: ErrorCode.ValidationFailed, errors: ['required validation failed'] }]);
  const notAnArchive = await installForm({ name: 'not-archive' }, Buffer.from('not a tgz'));
  assert.deepEqual(
    [notAnArchive.statusCode, notAnArchive.json()],
    [422, { code: ErrorCode.ValidationFailed, errors: ['chart validation failed: not a gzip archive'] }],
  );
  const chartAsText = await installForm({ name: 'as-text' }, 'demo');
  assert.deepEqual([chartAsText.statusCode, chartAsText.json()], [400, { code: ErrorCode.BadRequest, errors: ['could not process request'] }]);
  const notBoolean = await installForm({ name: 'not-boolean', dryRun: 'yes' }, archive);
  assert.deepEqual([notBoolean.statusCode, notBoolean.json()], [400, { code: ErrorCode.BadRequest, errors: ['could not process request'] }]);
});

test('a form that cannot be parsed is 400/600 on any route, not a server error (the fuzzer sent multipart without a boundary)', async () => {
  const cases = [
    { method: 'POST' as const, url: '/api/releases', headers: { 'content-type': 'multipart/form-data' }, payload: '{}' },
    { method: 'POST' as const, url: '/api/releases/demo/upgrade', headers: { 'content-type': 'multipart/form-data' }, payload: '{"context":"admin"}' },
    { method: 'DELETE' as const, url: `/api/releases/demo?namespace=${namespace}&context=admin`, headers: { 'content-type': 'multipart/form-data' } },
    // A boundary, but the form ends mid-part.
    {
      method: 'POST' as const,
      url: '/api/releases',
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      payload: '--x\r\nContent-Disposition: form-data; name="name"\r\n\r\nhalf',
    },
  ];
  for (const { method, url, headers, payload } of cases) {
    const signed = signIdentity(signingSecret, { kind: 'user', userId }, { audience: 'releases', method, url });
    const reply = await built.app.inject({ method, url, headers: { ...signed, ...headers }, ...(payload === undefined ? {} : { payload }) });
    assert.deepEqual([reply.statusCode, reply.json()], [400, { code: ErrorCode.BadRequest, errors: ['could not process request'] }], `${method} ${url}`);
  }
});
