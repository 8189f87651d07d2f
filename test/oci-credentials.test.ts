import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import { after, before, test } from 'node:test';
import { ChartRepository, ChartSearchResult, ChartVersionList, ChartView, ErrorCode, Release } from '@platform/contracts';
import { startRecordingProxy, startRegistry, startTokenServer, type PrivateRegistry, type RecordingProxy, type TokenServer } from '@platform/test-support';
import { signUp, type GatewayClient } from './support/client.js';
import { helm, helm4, writeConfigMapChart } from './support/helm.js';
import { kubeApi } from './support/kube.js';
import { testClusterKubeconfig } from './support/kubeconfig.js';
import { startPlatform, type Platform } from './support/platform.js';

/**
 * OCI registries that require credentials, used through the gateway as a user's chart repositories: the real
 * distribution registry with htpasswd (a Basic challenge), and with token auth (a Bearer challenge naming a
 * token server on another port, which signs JWTs with the certificate the registry trusts).
 */
let platform: Platform;
let client: GatewayClient;
const ana = { username: 'ana', password: `pw-${randomBytes(6).toString('hex')}` };
const namespace = `it-oci-auth-${randomBytes(3).toString('hex')}`;
let cdn: BlobServer;
let basic: PrivateRegistry;
let tokens: TokenServer;
let bearer: PrivateRegistry;
/** In front of the token-auth registry: what the platform sent it. */
let bearerSeen: RecordingProxy;

/** Serves a registry's blob files as its `redirect` middleware names them (a CDN in front of its storage), and keeps each request's Authorization. */
interface BlobServer {
  url: string;
  requests: Array<{ path: string; authorization?: string }>;
  close: () => Promise<void>;
}

async function serveBlobs(storage: () => string): Promise<BlobServer> {
  const requests: BlobServer['requests'] = [];
  const server: Server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://cdn.test').pathname));
    requests.push({ path, ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}) });
    if (!path.startsWith('/docker/registry/v2/blobs/')) return void response.writeHead(404).end();
    readFile(join(storage(), path)).then(
      (body) => response.writeHead(200, { 'content-length': body.length }).end(body),
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

before(async () => {
  const [older, newer] = [await writeConfigMapChart('1.0.0'), await writeConfigMapChart('1.1.0')];
  cdn = await serveBlobs(() => basic.dataFolder);
  basic = await startRegistry([], { auth: { htpasswd: ana }, redirectBlobsTo: cdn.url });
  tokens = await startTokenServer([ana]);
  bearer = await startRegistry([], {
    auth: { token: { realm: tokens.realm, service: tokens.service, issuer: tokens.issuer, rootCertBundle: tokens.certificatePath } },
  });
  // Each registry gets one version from each helm CLI, both after `helm registry login`.
  for (const registry of [basic, bearer]) {
    await registry.push(older, { as: ana, cli: 'helm' });
    await registry.push(newer, { as: ana, cli: 'helm4' });
  }
  bearerSeen = await startRecordingProxy(bearer.endpoint);
  platform = await startPlatform();
  let userId: number;
  ({ client, id: userId } = await signUp(platform.gatewayUrl, `oci-auth-${randomBytes(4).toString('hex')}@example.test`));
  const put = await client.put(`/api/users/${userId}`, { rawKubeConfig: await testClusterKubeconfig(), allowedContexts: ['admin'] });
  assert.equal(put.status, 204, put.text);
});
after(async () => {
  await kubeApi('DELETE', `/api/v1/namespaces/${namespace}`).catch(() => undefined);
  await platform?.stop();
  for (const server of [bearerSeen, bearer, tokens, basic, cdn]) await server?.close();
});

const basicAuthOf = (user: { username: string; password: string }) => `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`;

async function addRepository(body: Record<string, unknown>): Promise<void> {
  const added = await client.post('/api/repositories', { plainHttp: true, ...body });
  assert.equal(added.status, 201, added.text);
  assert.equal(ChartRepository.parse(added.json).hasCredentials, 'username' in body || 'token' in body);
}

/** The release as the helm CLIs read it: each revision's status and chart, and the values of the latest. */
async function readByBothClis(release: string): Promise<unknown[]> {
  const views = [];
  for (const cli of [helm, helm4]) {
    const history = JSON.parse(await cli(['history', release, '-n', namespace, '-o', 'json'])) as Array<{ status: string; chart: string }>;
    const values: unknown = JSON.parse(await cli(['get', 'values', release, '-n', namespace, '-o', 'json']));
    views.push({ history: history.map(({ status, chart }) => [status, chart]), values });
  }
  return views;
}

test('htpasswd (Basic) registry: add with basic auth, search, view, install, upgrade; both helm CLIs read the release; the CDN gets no credentials', async () => {
  await addRepository({ name: 'basic', url: `oci://${basic.endpoint}/charts`, ...ana });
  const found = await client.get('/api/repositories/search?q=greeting&repository=basic');
  assert.equal(found.status, 200, found.text);
  assert.deepEqual(ChartSearchResult.parse(found.json), {
    charts: [{ repository: 'basic', name: 'greeting', latestVersion: '1.1.0', versions: ['1.1.0', '1.0.0'] }],
    truncated: false,
    unavailable: [],
  });
  const shown = await client.get('/api/charts/show?repository=basic&name=greeting&version=1.0.0');
  assert.equal(shown.status, 200, shown.text);
  assert.deepEqual([ChartView.parse(shown.json).version, ChartView.parse(shown.json).values], ['1.0.0', 'message: hello\nreplicas: 1\n']);

  cdn.requests.length = 0;
  const installed = await client.post('/api/releases', {
    name: 'from-basic',
    namespace,
    createNamespace: true,
    context: 'admin',
    chart: { repository: 'basic', name: 'greeting' },
    version: '~1.0',
    values: 'message: installed\n',
  });
  assert.equal(installed.status, 201, installed.text);
  assert.equal(Release.parse(installed.json).chart.metadata.version, '1.0.0');
  const upgraded = await client.post('/api/releases/from-basic/upgrade', { namespace, context: 'admin', values: 'message: upgraded\n' });
  assert.equal(upgraded.status, 200, upgraded.text);
  const expected = {
    history: [
      ['superseded', 'greeting-1.0.0'],
      ['deployed', 'greeting-1.0.0'],
    ],
    values: { message: 'upgraded' },
  };
  assert.deepEqual(await readByBothClis('from-basic'), [expected, expected]);

  // The registry answered the chart layer with a 307 to its CDN (another origin): the basic auth stayed behind.
  assert.ok(cdn.requests.length >= 1, 'the install read the layer from the CDN');
  assert.deepEqual(
    cdn.requests.filter((request) => request.authorization !== undefined),
    [],
  );
});

test('token (Bearer) registry: the realm on another port gets the basic auth, the registry only tokens; a stored token is the bearer itself', async () => {
  tokens.requests.length = 0;
  await addRepository({ name: 'bearer', url: `oci://${bearerSeen.endpoint}/charts`, ...ana });
  const found = await client.get('/api/repositories/search?q=greeting&repository=bearer');
  assert.equal(found.status, 200, found.text);
  assert.deepEqual(ChartSearchResult.parse(found.json).charts[0]?.versions, ['1.1.0', '1.0.0']);
  const shown = await client.get('/api/charts/show?repository=bearer&name=greeting');
  assert.equal(shown.status, 200, shown.text);
  assert.equal(ChartView.parse(shown.json).version, '1.1.0', 'the newest stable version');
  const installed = await client.post('/api/releases', { name: 'from-bearer', namespace, context: 'admin', chart: { repository: 'bearer', name: 'greeting' } });
  assert.equal(installed.status, 201, installed.text);
  const upgraded = await client.post('/api/releases/from-bearer/upgrade', { namespace, context: 'admin', values: 'message: bearer\n' });
  assert.equal(upgraded.status, 200, upgraded.text);
  const expected = {
    history: [
      ['superseded', 'greeting-1.1.0'],
      ['deployed', 'greeting-1.1.0'],
    ],
    values: { message: 'bearer' },
  };
  assert.deepEqual(await readByBothClis('from-bearer'), [expected, expected]);

  assert.ok(tokens.requests.length >= 1);
  for (const request of tokens.requests) assert.deepEqual(request, { authorization: basicAuthOf(ana), scope: ['repository:charts/greeting:pull'] });
  const sent = new Set(bearerSeen.requests.map((request) => request.authorization?.split(' ')[0] ?? 'none'));
  assert.deepEqual([...sent].sort(), ['Bearer', 'none'], 'anonymous first, then the pull token; never the basic auth');
  const none = await client.get('/api/repositories/search?q=nothing&repository=bearer');
  assert.deepEqual(none.json, { charts: [], truncated: false, unavailable: [] }, 'a chart the registry does not have is no result, not a failure');

  // A CI robot's long-lived pull token, stored as the repository's token: sent to the registry as it is.
  const robot = tokens.mint('ci-robot', [{ repository: 'charts/greeting', actions: ['pull'] }]);
  const asked = tokens.requests.length;
  await addRepository({ name: 'robot', url: `oci://${bearerSeen.endpoint}/charts`, token: robot });
  const versions = await client.get('/api/charts/versions?repository=robot&name=greeting');
  assert.equal(versions.status, 200, versions.text);
  assert.deepEqual(
    ChartVersionList.parse(versions.json)
      .map((entry) => entry.version)
      .sort(),
    ['1.0.0', '1.1.0'],
  );
  assert.equal(tokens.requests.length, asked, 'a stored token needs no token endpoint');
  assert.ok(bearerSeen.requests.some((request) => request.authorization === `Bearer ${robot}`));
});

test('wrong or missing credentials: 502/604 in the words of an HTTP repository, never the secret; the search lists them as unavailable', async () => {
  const refused = 'OCI registry unreachable: it refused the credentials';
  const required = 'OCI registry unreachable: it requires credentials';
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['basic-wrong', { url: `oci://${basic.endpoint}/charts`, username: 'ana', password: 'not-it' }, refused],
    ['basic-none', { url: `oci://${basic.endpoint}/charts` }, required],
    ['bearer-wrong', { url: `oci://${bearer.endpoint}/charts`, username: 'ana', password: 'not-it' }, refused],
    // The token server gives anonymous clients a token that grants nothing, as Docker Hub does.
    ['bearer-none', { url: `oci://${bearer.endpoint}/charts` }, required],
    [
      'bearer-forged',
      { url: `oci://${bearer.endpoint}/charts`, token: `${tokens.mint('ci-robot', [{ repository: 'charts/greeting', actions: ['pull'] }])}x` },
      refused,
    ],
    ['bearer-scoped', { url: `oci://${bearer.endpoint}/charts`, token: tokens.mint('ci-robot', [{ repository: 'charts/other', actions: ['pull'] }]) }, refused],
  ];
  for (const [name, body, message] of cases) {
    await addRepository({ name, ...body });
    const error = { code: ErrorCode.ClusterUnreachable, errors: [message] };
    const versions = await client.get(`/api/charts/versions?repository=${name}&name=greeting`);
    assert.deepEqual([versions.status, versions.json], [502, error], name);
    const install = await client.post('/api/releases', {
      name: `from-${name}`,
      namespace,
      context: 'admin',
      chart: { repository: name, name: 'greeting' },
      version: '1.0.0',
    });
    assert.deepEqual([install.status, install.json], [502, error], name);
    assert.ok(!versions.text.includes('not-it') && !install.text.includes('not-it'));
  }
  const searched = ChartSearchResult.parse((await client.get('/api/repositories/search?q=greeting')).json);
  assert.deepEqual(
    searched.unavailable,
    cases.map(([repository, , error]) => ({ repository, error })).sort((a, b) => a.repository.localeCompare(b.repository)),
  );
  assert.deepEqual(
    searched.charts.map((chart) => chart.repository),
    ['basic', 'bearer', 'robot'],
    'the other repositories are still answered',
  );
});

test('a token realm the address policy refuses is never asked: 502/604, the basic auth stays home', async () => {
  // 127.0.0.2 is loopback, but the platform allows only 127.0.0.1 (CLUSTER_ADDRESS_ALLOWLIST).
  const connections: string[] = [];
  const elsewhere = createServer((request, response) => {
    connections.push(request.headers.authorization ?? 'none');
    response.writeHead(500).end();
  });
  await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.2', resolve));
  const realm = `http://127.0.0.2:${(elsewhere.address() as AddressInfo).port}/token`;
  const misdirected = await startRegistry([], {
    auth: { token: { realm, service: tokens.service, issuer: tokens.issuer, rootCertBundle: tokens.certificatePath } },
  });
  try {
    await addRepository({ name: 'misdirected', url: `oci://${misdirected.endpoint}/charts`, ...ana });
    const versions = await client.get('/api/charts/versions?repository=misdirected&name=greeting');
    assert.deepEqual(
      [versions.status, versions.json],
      [502, { code: ErrorCode.ClusterUnreachable, errors: ['OCI registry token endpoint unreachable: address not allowed: 127.0.0.2'] }],
    );
    assert.deepEqual(connections, []);
  } finally {
    await misdirected.close();
    await new Promise<void>((resolve) => elsewhere.close(() => resolve()));
  }
});
