import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ChartVersionList, ChartView, ErrorCode } from '@platform/contracts';
import { serveRepository, startRegistry } from './chart-sources.js';
import { buildTestApp, call, query, writeDemoChart } from './fixtures.js';

let repository: Awaited<ReturnType<typeof serveRepository>>;
let registry: Awaited<ReturnType<typeof startRegistry>>;
let built: Awaited<ReturnType<typeof buildTestApp>>;

before(async () => {
  const chart = await writeDemoChart();
  const newer = await writeDemoChart();
  await writeFile(join(newer, 'Chart.yaml'), 'apiVersion: v2\nname: demo\nversion: 0.2.0\nappVersion: "2.0"\ndescription: newer\n');
  repository = await serveRepository([chart, newer]);
  registry = await startRegistry([chart, newer]);
  built = await buildTestApp({}, { allow: [repository.endpoint, registry.endpoint] });
});
after(async () => {
  // Only what before() got to make: a server left open would keep the process alive (a hang, not a failure).
  await built?.app.close();
  await repository?.close();
  await registry?.close();
});

test('versions of a chart: from the repository index (newest first) and from the registry tags', async () => {
  const fromIndex = await call(built.app, 'GET', `/api/charts/versions?${query({ repository: repository.url, name: 'demo' })}`);
  assert.equal(fromIndex.statusCode, 200, fromIndex.body);
  assert.deepEqual(
    ChartVersionList.parse(fromIndex.json()).map(({ version, appVersion, description }) => [version, appVersion, description]),
    [
      ['0.2.0', '2.0', 'newer'],
      ['0.1.0', '1.0', 'test chart'],
    ],
  );
  const fromTags = await call(built.app, 'GET', `/api/charts/versions?${query({ oci: `oci://${registry.endpoint}/charts/demo`, plainHttp: true })}`);
  assert.equal(fromTags.statusCode, 200, fromTags.body);
  assert.deepEqual(
    ChartVersionList.parse(fromTags.json())
      .map((entry) => entry.version)
      .sort(),
    ['0.1.0', '0.2.0'],
  );
});

test("a chart version's values, README and schema, from the repository and from the registry", async () => {
  const pinned = await call(built.app, 'GET', `/api/charts/show?${query({ repository: repository.url, name: 'demo', version: '0.1.0' })}`);
  assert.equal(pinned.statusCode, 200, pinned.body);
  assert.deepEqual(ChartView.parse(pinned.json()), {
    name: 'demo',
    version: '0.1.0',
    appVersion: '1.0',
    description: 'test chart',
    values: 'greeting: hello\ncount: 1\n',
    readme: '# demo\n',
    schema: { type: 'object', properties: { greeting: { type: 'string' }, count: { type: 'integer' } } },
  });
  const newest = await call(built.app, 'GET', `/api/charts/show?${query({ oci: `oci://${registry.endpoint}/charts/demo`, plainHttp: true })}`);
  assert.equal(newest.statusCode, 200, newest.body);
  assert.equal(ChartView.parse(newest.json()).version, '0.2.0');
});

test('errors: unknown chart 404/602, two sources 422/601, a refused address 502/604', async () => {
  const unknown = await call(built.app, 'GET', `/api/charts/versions?${query({ repository: repository.url, name: 'nothing' })}`);
  assert.deepEqual([unknown.statusCode, unknown.json()], [404, { code: ErrorCode.NotFound, errors: ['chart nothing not found in the repository'] }]);
  const unknownTags = await call(built.app, 'GET', `/api/charts/versions?${query({ oci: `oci://${registry.endpoint}/charts/nothing`, plainHttp: true })}`);
  assert.deepEqual([unknownTags.statusCode, unknownTags.json().code], [404, ErrorCode.NotFound]);
  const noVersion = await call(built.app, 'GET', `/api/charts/show?${query({ repository: repository.url, name: 'demo', version: '>=3' })}`);
  assert.deepEqual([noVersion.statusCode, noVersion.json()], [404, { code: ErrorCode.NotFound, errors: ['chart demo has no version matching >=3'] }]);
  const both = await call(
    built.app,
    'GET',
    `/api/charts/show?${query({ repository: repository.url, name: 'demo', oci: `oci://${registry.endpoint}/charts/demo` })}`,
  );
  assert.deepEqual([both.statusCode, both.json()], [422, { code: ErrorCode.ValidationFailed, errors: ['chart validation failed'] }]);
  const refused = await call(built.app, 'GET', `/api/charts/versions?${query({ repository: 'http://127.0.0.1:4/charts', name: 'demo' })}`);
  assert.deepEqual(
    [refused.statusCode, refused.json()],
    [502, { code: ErrorCode.ClusterUnreachable, errors: ['chart repository unreachable: address not allowed: 127.0.0.1'] }],
  );
});
