import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ErrorCode, Release, ReleasePlan } from '@platform/contracts';
import { startRegistry } from './chart-sources.js';
import { buildTestApp, call, createNamespace, deleteNamespace, helm, helm4, writeDemoChart } from './fixtures.js';

let namespace: string;
let registry: Awaited<ReturnType<typeof startRegistry>>;
let built: Awaited<ReturnType<typeof buildTestApp>>;

before(async () => {
  namespace = await createNamespace('rel-oci');
  const chart = await writeDemoChart();
  const newer = await writeDemoChart();
  await writeFile(join(newer, 'Chart.yaml'), 'apiVersion: v2\nname: demo\nversion: 0.2.0\nappVersion: "2.0"\ndescription: test chart\n');
  registry = await startRegistry([chart, newer]);
  built = await buildTestApp({}, { allow: [registry.endpoint] });
});
after(async () => {
  // Only what before() got to make: a server left open would keep the process alive (a hang, not a failure).
  await built?.app.close();
  await registry?.close();
  await deleteNamespace(namespace);
});

const install = (body: Record<string, unknown>) => call(built.app, 'POST', '/api/releases', { namespace, context: 'admin', ...body });

test('install from a real OCI registry: the newest stable tag, or the version asked; both helm CLIs see it', async () => {
  const newest = await install({ name: 'oci-newest', chart: { oci: `oci://${registry.endpoint}/charts/demo`, plainHttp: true } });
  assert.equal(newest.statusCode, 201, newest.body);
  assert.equal(Release.parse(newest.json()).chart.metadata.version, '0.2.0');
  const pinned = await install({ name: 'oci-pinned', chart: { oci: `oci://${registry.endpoint}/charts/demo`, plainHttp: true }, version: '0.1.0' });
  assert.equal(pinned.statusCode, 201, pinned.body);
  const ranged = await install({
    name: 'oci-ranged',
    chart: { oci: `oci://${registry.endpoint}/charts/demo`, plainHttp: true },
    version: '<0.2',
    dryRun: true,
  });
  assert.equal(ranged.statusCode, 200, ranged.body);
  assert.equal(ReleasePlan.parse(ranged.json()).to.chart, 'demo-0.1.0', 'a plan of the version asked');
  for (const cli of [helm, helm4]) {
    const listed = JSON.parse(await cli(['list', '-n', namespace, '-o', 'json'])) as Array<{ name: string; chart: string; status: string }>;
    assert.deepEqual(
      listed.map((entry) => [entry.name, entry.chart, entry.status]),
      [
        ['oci-newest', 'demo-0.2.0', 'deployed'],
        ['oci-pinned', 'demo-0.1.0', 'deployed'],
      ],
    );
  }
});

test('OCI errors: unknown chart or version 404/602 naming the chart; TLS to a plain registry, refused address 502/604', async () => {
  const cases: Array<[Record<string, unknown>, number, RegExp]> = [
    [{ chart: { oci: `oci://${registry.endpoint}/charts/nothing`, plainHttp: true } }, 404, /^chart nothing not found in the registry$/],
    [
      { chart: { oci: `oci://${registry.endpoint}/charts/demo`, plainHttp: true }, version: '9.9.9' },
      404,
      /^chart demo has no version 9\.9\.9 in the registry$/,
    ],
    [{ chart: { oci: `oci://${registry.endpoint}/charts/demo`, plainHttp: true }, version: '>=9' }, 404, /^chart demo has no version matching >=9$/],
    [{ chart: { oci: `oci://${registry.endpoint}/charts/demo` } }, 502, /^OCI registry unreachable: /],
    [{ chart: { oci: 'oci://127.0.0.1:3/charts/demo', plainHttp: true } }, 502, /^OCI registry unreachable: address not allowed: 127\.0\.0\.1$/],
  ];
  for (const [body, status, message] of cases) {
    const response = await install({ name: 'oci-missing', ...body });
    assert.equal(response.statusCode, status, `${JSON.stringify(body)}: ${response.body}`);
    assert.equal(response.json().code, status === 404 ? ErrorCode.NotFound : ErrorCode.ClusterUnreachable);
    assert.match(response.json().errors[0], message);
  }
  for (const chart of [{ oci: 'https://example.test/charts/demo' }, { oci: `oci://${registry.endpoint}` }, { archive: 'AA==', plainHttp: true }]) {
    const response = await install({ name: 'oci-missing', chart });
    assert.deepEqual([response.statusCode, response.json().code], [422, ErrorCode.ValidationFailed], JSON.stringify(chart));
  }
});
