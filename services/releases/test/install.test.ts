import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ErrorCode, Release } from '@platform/contracts';
import { buildTestApp, call, configMapData, createNamespace, deleteNamespace, helm, writeDemoChart } from './fixtures.js';
import { handMadeArchive, packageChart, serveRepository } from './chart-sources.js';

let namespace: string;
let archive: string;
let repository: Awaited<ReturnType<typeof serveRepository>>;
let built: Awaited<ReturnType<typeof buildTestApp>>;

before(async () => {
  namespace = await createNamespace('rel-install');
  const chart = await writeDemoChart();
  archive = (await packageChart(chart)).toString('base64');
  const newer = await writeDemoChart();
  await writeFile(join(newer, 'Chart.yaml'), 'apiVersion: v2\nname: demo\nversion: 0.2.0\nappVersion: "2.0"\ndescription: test chart\n');
  repository = await serveRepository([chart, newer], {
    '/redirect/index.yaml': (response) => response.writeHead(302, { location: 'http://127.0.0.2:9/index.yaml' }).end(),
    '/huge/index.yaml': (response) => response.writeHead(200).end(Buffer.alloc(9 * 1024 * 1024, 0x20)),
    '/broken/index.yaml': (response) => response.writeHead(500).end('secret stack trace'),
  });
  built = await buildTestApp({}, { allow: [repository.endpoint] });
});
after(async () => {
  // Only what before() got to make: a server left open would keep the process alive (a hang, not a failure).
  await built?.app.close();
  await repository?.close();
  await deleteNamespace(namespace);
});

const install = (body: Record<string, unknown>) => call(built.app, 'POST', '/api/releases', { namespace, context: 'admin', ...body });
const helmList = async (driver = 'secret') =>
  JSON.parse(await helm(['list', '-n', namespace, '-a', '-o', 'json'], driver)) as Array<{ name: string; revision: string; status: string; chart: string }>;

test('install from an uploaded archive: 201 with the release, and the helm CLI sees it deployed', async () => {
  const response = await install({ name: 'uploaded', chart: { archive }, values: 'greeting: from-upload\n' });
  assert.equal(response.statusCode, 201, response.body);
  const release = Release.parse(response.json());
  assert.equal(release.version, 1);
  assert.equal(release.info.status, 'deployed');
  assert.deepEqual(release.config, { greeting: 'from-upload' });
  assert.equal((await configMapData(namespace, 'uploaded-settings')).greeting, 'from-upload');
  const listed = (await helmList()).find((entry) => entry.name === 'uploaded');
  assert.deepEqual([listed?.status, listed?.chart, listed?.revision], ['deployed', 'demo-0.1.0', '1']);

  const again = await install({ name: 'uploaded', chart: { archive } });
  assert.equal(again.statusCode, 409);
  assert.deepEqual(again.json(), {
    code: ErrorCode.ReleaseNameTaken,
    errors: [`release name uploaded is in use in namespace ${namespace}: uninstall it, or roll back an uninstalled one`],
  });
});

test("values: not a map is 422/607 before helm runs; against the chart's schema helm refuses with 422/607", async () => {
  const list = await install({ name: 'bad-values', chart: { archive }, values: '- a\n- b\n' });
  assert.equal(list.statusCode, 422);
  assert.deepEqual(list.json(), { code: ErrorCode.InvalidValues, errors: ['values must be a YAML map'] });
  const schema = await install({ name: 'bad-values', chart: { archive }, values: 'count: many\n' });
  assert.equal(schema.statusCode, 422, schema.body);
  assert.equal(schema.json().code, ErrorCode.InvalidValues);
  assert.equal(
    (await helmList()).some((entry) => entry.name === 'bad-values'),
    false,
  );
});

test('hostile archives are refused 422/601 before helm sees them', async () => {
  const cases: Array<[string, Buffer, RegExp]> = [
    ['not gzip', Buffer.from('plain text'), /not a gzip archive/],
    [
      'escape',
      handMadeArchive([
        { name: 'demo/Chart.yaml', data: 'name: demo\n' },
        { name: 'demo/../../escape.yaml', data: 'x' },
      ]),
      /unsafe file name/,
    ],
    [
      'link',
      handMadeArchive([
        { name: 'demo/Chart.yaml', data: 'name: demo\n' },
        { name: 'demo/templates/x.yaml', type: '2', link: '/etc/passwd' },
      ]),
      /not a regular file/,
    ],
    [
      'two tops',
      handMadeArchive([
        { name: 'demo/Chart.yaml', data: 'name: demo\n' },
        { name: 'other/values.yaml', data: 'a: 1\n' },
      ]),
      /more than one top folder/,
    ],
    ['no chart', handMadeArchive([{ name: 'demo/values.yaml', data: 'a: 1\n' }]), /no Chart\.yaml/],
    [
      'bomb',
      handMadeArchive([
        { name: 'demo/Chart.yaml', data: 'name: demo\n' },
        { name: 'demo/big', data: 'a'.repeat(21 * 1024 * 1024) },
      ]),
      /over/,
    ],
  ];
  for (const [label, bytes, reason] of cases) {
    const response = await install({ name: 'hostile', chart: { archive: bytes.toString('base64') } });
    assert.equal(response.statusCode, 422, `${label}: ${response.body}`);
    assert.equal(response.json().code, ErrorCode.ValidationFailed, label);
    assert.match(response.json().errors[0], reason, label);
  }
  const tooLarge = await install({ name: 'hostile', chart: { archive: 'A'.repeat(1_400_000) } });
  assert.equal(tooLarge.statusCode, 422);
  assert.deepEqual(tooLarge.json(), { code: ErrorCode.ValidationFailed, errors: ['max validation failed'] });
});

test('install from an HTTP repository: the newest stable version, or the one a constraint picks', async () => {
  const newest = await install({ name: 'from-repo', chart: { repository: repository.url, name: 'demo' } });
  assert.equal(newest.statusCode, 201, newest.body);
  assert.equal(Release.parse(newest.json()).chart.metadata.version, '0.2.0');
  const pinned = await install({ name: 'from-repo-old', chart: { repository: `${repository.url}/`, name: 'demo' }, version: '~0.1', storage: 'configmap' });
  assert.equal(pinned.statusCode, 201, pinned.body);
  assert.equal(Release.parse(pinned.json()).chart.metadata.version, '0.1.0');
  assert.deepEqual(
    (await helmList('configmap')).map((entry) => [entry.name, entry.chart]),
    [['from-repo-old', 'demo-0.1.0']],
  );
});

test('repository errors: unknown chart or version 404/602 naming the chart; unreachable, refused, oversized 502/604 without the body', async () => {
  const unknownChart = await install({ name: 'missing', chart: { repository: repository.url, name: 'nothing' } });
  assert.equal(unknownChart.statusCode, 404);
  assert.deepEqual(unknownChart.json(), { code: ErrorCode.NotFound, errors: ['chart nothing not found in the repository'] });
  const unknownVersion = await install({ name: 'missing', chart: { repository: repository.url, name: 'demo' }, version: '>=9' });
  assert.equal(unknownVersion.statusCode, 404);
  assert.deepEqual(unknownVersion.json(), { code: ErrorCode.NotFound, errors: ['chart demo has no version matching >=9'] });

  const unreachable: Array<[string, RegExp]> = [
    ['http://127.0.0.1:1/charts', /^chart repository unreachable: ECONNREFUSED$/],
    ['http://127.0.0.1:2/charts', /^chart repository unreachable: address not allowed: 127\.0\.0\.1$/],
    [`${repository.url}/redirect`, /^chart repository unreachable: address not allowed: 127\.0\.0\.2$/],
    [`${repository.url}/huge`, /^chart repository unreachable: more than 8388608 bytes$/],
    [`${repository.url}/broken`, /^chart repository unreachable: answered HTTP 500$/],
    [`${repository.url}/nowhere`, /^chart repository unreachable: it has no index\.yaml$/],
  ];
  for (const [url, message] of unreachable) {
    const response = await install({ name: 'missing', chart: { repository: url, name: 'demo' } });
    assert.equal(response.statusCode, 502, `${url}: ${response.body}`);
    assert.equal(response.json().code, ErrorCode.ClusterUnreachable);
    assert.match(response.json().errors[0], message, url);
  }
});

test('the chart reference is exactly one source; install and uninstall refuse memory storage', async () => {
  for (const chart of [{}, { archive, repository: repository.url, name: 'demo' }, { repository: repository.url }]) {
    const response = await install({ name: 'bad-ref', chart });
    assert.equal(response.statusCode, 422, JSON.stringify(chart));
    assert.deepEqual(response.json(), { code: ErrorCode.ValidationFailed, errors: ['chart validation failed'] });
  }
  const versionWithArchive = await install({ name: 'bad-ref', chart: { archive }, version: '1.0.0' });
  assert.deepEqual(versionWithArchive.json(), { code: ErrorCode.ValidationFailed, errors: ['version validation failed'] });
  const memory = await install({ name: 'bad-ref', chart: { archive }, storage: 'memory' });
  assert.deepEqual([memory.statusCode, memory.json()], [422, { code: ErrorCode.ValidationFailed, errors: ['oneof validation failed'] }]);
  const noNamespace = await call(built.app, 'POST', '/api/releases', { name: 'bad-ref', context: 'admin', chart: { archive } });
  assert.deepEqual([noNamespace.statusCode, noNamespace.json()], [422, { code: ErrorCode.ValidationFailed, errors: ['required validation failed'] }]);
  const notAllowed = await install({ name: 'bad-ref', chart: { archive }, context: 'nope' });
  assert.deepEqual([notAllowed.statusCode, notAllowed.json().code], [403, ErrorCode.ContextNotAllowed]);
});
