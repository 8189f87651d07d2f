import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ChartSearchResult, ChartVersionList, ChartView, ErrorCode, Release, type RepositoryAccess } from '@platform/contracts';
import type { UserRepositorySource } from '../src/users/repository-source.js';
import { serveRepository, startRegistry } from './chart-sources.js';
import { buildTestApp, call, createNamespace, deleteNamespace, query, userId, writeDemoChart } from './fixtures.js';

const password = 'never-in-a-message';
const authorization = `Basic ${Buffer.from(`ana:${password}`).toString('base64')}`;
const anonymousUser = userId + 1;
const searchingUser = userId + 2;

let privateRepository: Awaited<ReturnType<typeof serveRepository>>;
let elsewhere: Awaited<ReturnType<typeof serveRepository>>;
let registry: Awaited<ReturnType<typeof startRegistry>>;
let built: Awaited<ReturnType<typeof buildTestApp>>;
let namespace: string;

/** The users service's answer, per user: a port the releases service reads through (its HTTP side is tested in users). */
const repositoriesOf = new Map<number, RepositoryAccess[]>();
const source: UserRepositorySource = { repositories: async (id) => repositoriesOf.get(id) ?? [] };

before(async () => {
  namespace = await createNamespace('rel-repos');
  const chart = await writeDemoChart();
  const newer = await writeDemoChart();
  await writeFile(join(newer, 'Chart.yaml'), 'apiVersion: v2\nname: demo\nversion: 0.2.0\nappVersion: "2.0"\ndescription: newer\n');
  elsewhere = await serveRepository([chart]);
  const archive = await readFile(join(elsewhere.folder, 'demo-0.1.0.tgz'));
  const absoluteIndex = [
    'apiVersion: v1',
    'entries:',
    '  demo:',
    '  - name: demo',
    '    version: 0.1.0',
    `    urls: ["${elsewhere.url}/demo-0.1.0.tgz"]`,
    `    digest: ${createHash('sha256').update(archive).digest('hex')}`,
    '',
  ].join('\n');
  privateRepository = await serveRepository(
    [chart, newer],
    {
      '/moved/index.yaml': (response) => response.writeHead(302, { location: `${elsewhere.url}/index.yaml` }).end(),
      '/same/index.yaml': (response) => response.writeHead(302, { location: '/index.yaml' }).end(),
      '/absolute/index.yaml': (response, request) =>
        request.headers.authorization === authorization ? response.writeHead(200).end(absoluteIndex) : response.writeHead(401).end(),
    },
    { authorization },
  );
  registry = await startRegistry([chart, newer]);
  const credentials = { username: 'ana', password };
  repositoriesOf.set(userId, [
    { name: 'private', url: privateRepository.url, plainHttp: false, credentials },
    { name: 'wrong', url: privateRepository.url, plainHttp: false, credentials: { username: 'ana', password: 'not-it' } },
    { name: 'moved', url: `${privateRepository.url}/moved`, plainHttp: false, credentials },
    { name: 'same-host', url: `${privateRepository.url}/same`, plainHttp: false, credentials },
    { name: 'absolute', url: `${privateRepository.url}/absolute`, plainHttp: false, credentials },
    { name: 'oci', url: `oci://${registry.endpoint}/charts`, plainHttp: true, credentials: null },
  ]);
  repositoriesOf.set(anonymousUser, [{ name: 'private', url: privateRepository.url, plainHttp: false, credentials: null }]);
  repositoriesOf.set(searchingUser, [
    { name: 'private', url: privateRepository.url, plainHttp: false, credentials },
    { name: 'oci', url: `oci://${registry.endpoint}/charts`, plainHttp: true, credentials: null },
    { name: 'down', url: 'http://127.0.0.1:4/charts', plainHttp: false, credentials: null },
  ]);
  built = await buildTestApp({ repositories: source }, { allow: [privateRepository.endpoint, elsewhere.endpoint, registry.endpoint] });
});
after(async () => {
  await built.app.close();
  await Promise.all([privateRepository.close(), elsewhere.close(), registry.close()]);
  await deleteNamespace(namespace);
});

const versions = (params: Record<string, string>, id = userId) => call(built.app, 'GET', `/api/charts/versions?${query(params)}`, undefined, id);
const search = (params: Record<string, string>) =>
  call(built.app, 'GET', `/api/repositories/search${Object.keys(params).length > 0 ? `?${query(params)}` : ''}`, undefined, searchingUser);

test("a chart view by repository name sends the repository's credentials, and only to it", async () => {
  const listed = await versions({ repository: 'private', name: 'demo' });
  assert.equal(listed.statusCode, 200, listed.body);
  assert.deepEqual(
    ChartVersionList.parse(listed.json()).map((entry) => entry.version),
    ['0.2.0', '0.1.0'],
  );
  const shown = await call(built.app, 'GET', `/api/charts/show?${query({ repository: 'private', name: 'demo', version: '0.1.0' })}`);
  assert.equal(shown.statusCode, 200, shown.body);
  assert.equal(ChartView.parse(shown.json()).values, 'greeting: hello\ncount: 1\n');
  const files = privateRepository.received.filter((request) => request.path === '/index.yaml' || request.path.endsWith('.tgz'));
  assert.ok(files.length >= 2);
  assert.ok(files.every((request) => request.authorization === authorization));

  // A redirect on the same host keeps them; a redirect to another host, or an archive the index places there, gets none.
  assert.equal((await versions({ repository: 'same-host', name: 'demo' })).statusCode, 200);
  const moved = await versions({ repository: 'moved', name: 'demo' });
  assert.equal(moved.statusCode, 200, moved.body);
  assert.deepEqual(
    ChartVersionList.parse(moved.json()).map((entry) => entry.version),
    ['0.1.0'],
  );
  const absolute = await call(built.app, 'GET', `/api/charts/show?${query({ repository: 'absolute', name: 'demo' })}`);
  assert.equal(absolute.statusCode, 200, absolute.body);
  assert.deepEqual(
    elsewhere.received.map((request) => request.path),
    ['/index.yaml', '/demo-0.1.0.tgz'],
  );
  assert.ok(elsewhere.received.every((request) => request.authorization === undefined));
});

test('refused credentials are 502/604 without them in the message; an index read with credentials is never served without them', async () => {
  const wrong = await versions({ repository: 'wrong', name: 'demo' });
  assert.deepEqual(
    [wrong.statusCode, wrong.json()],
    [502, { code: ErrorCode.ClusterUnreachable, errors: ['chart repository unreachable: it refused the credentials'] }],
  );
  assert.ok(!wrong.body.includes('not-it'));
  // The first test cached this URL's index for the credentials it was read with; a user without them is asked for them.
  const anonymous = await versions({ repository: 'private', name: 'demo' }, anonymousUser);
  assert.deepEqual(
    [anonymous.statusCode, anonymous.json()],
    [502, { code: ErrorCode.ClusterUnreachable, errors: ['chart repository unreachable: it requires credentials'] }],
  );
  const byUrl = await versions({ repository: privateRepository.url, name: 'demo' });
  assert.equal(byUrl.statusCode, 502, 'a URL reference carries no stored credentials');
});

test('an unknown repository name is 404/602; a named repository takes no plainHttp', async () => {
  const unknown = await versions({ repository: 'nope', name: 'demo' });
  assert.deepEqual([unknown.statusCode, unknown.json()], [404, { code: ErrorCode.NotFound, errors: ['repository nope not found'] }]);
  const plain = await versions({ repository: 'oci', name: 'demo', plainHttp: 'true' });
  assert.deepEqual([plain.statusCode, plain.json()], [422, { code: ErrorCode.ValidationFailed, errors: ['chart validation failed'] }]);
  const install = await call(built.app, 'POST', '/api/releases', { name: 'nowhere', namespace, context: 'admin', chart: { repository: 'nope', name: 'demo' } });
  assert.deepEqual([install.statusCode, install.json()], [404, { code: ErrorCode.NotFound, errors: ['repository nope not found'] }]);
});

test('install by repository name, from a credentialed HTTP repository and from an OCI one', async () => {
  const fromHttp = await call(built.app, 'POST', '/api/releases', {
    name: 'from-private',
    namespace,
    context: 'admin',
    chart: { repository: 'private', name: 'demo' },
    version: '~0.1',
  });
  assert.equal(fromHttp.statusCode, 201, fromHttp.body);
  assert.equal(Release.parse(fromHttp.json()).chart.metadata.version, '0.1.0');
  const fromOci = await call(built.app, 'POST', '/api/releases', { name: 'from-oci', namespace, context: 'admin', chart: { repository: 'oci', name: 'demo' } });
  assert.equal(fromOci.statusCode, 201, fromOci.body);
  assert.equal(Release.parse(fromOci.json()).chart.metadata.version, '0.2.0');
});

test('search: charts of every repository with their versions, filtered by q and repository, unreadable ones apart', async () => {
  const all = await search({});
  assert.equal(all.statusCode, 200, all.body);
  assert.deepEqual(ChartSearchResult.parse(all.json()), {
    charts: [{ repository: 'private', name: 'demo', latestVersion: '0.2.0', versions: ['0.2.0', '0.1.0'], appVersion: '2.0', description: 'newer' }],
    truncated: false,
    unavailable: [{ repository: 'down', error: 'chart repository unreachable: address not allowed: 127.0.0.1' }],
  });
  const byName = ChartSearchResult.parse((await search({ q: 'demo' })).json());
  assert.deepEqual(
    byName.charts.map((chart) => [chart.repository, chart.name, chart.latestVersion, chart.versions]),
    [
      ['oci', 'demo', '0.2.0', ['0.2.0', '0.1.0']],
      ['private', 'demo', '0.2.0', ['0.2.0', '0.1.0']],
    ],
  );
  const byDescription = ChartSearchResult.parse((await search({ q: 'NEWER' })).json());
  assert.deepEqual(
    byDescription.charts.map((chart) => chart.repository),
    ['private'],
  );
  assert.deepEqual(ChartSearchResult.parse((await search({ q: 'nothing-like-it' })).json()).charts, []);
  const onlyOci = ChartSearchResult.parse((await search({ q: 'demo', repository: 'oci' })).json());
  assert.deepEqual([onlyOci.charts.map((chart) => chart.repository), onlyOci.unavailable], [['oci'], []]);
  const unknown = await search({ repository: 'nope' });
  assert.deepEqual([unknown.statusCode, unknown.json()], [404, { code: ErrorCode.NotFound, errors: ['repository nope not found'] }]);
  const badName = await search({ repository: 'Not_A_Name' });
  assert.deepEqual([badName.statusCode, badName.json()], [422, { code: ErrorCode.ValidationFailed, errors: ['repositoryname validation failed'] }]);
});
