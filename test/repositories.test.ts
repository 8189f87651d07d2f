import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { ChartRepository, ChartRepositoryList, ChartSearchResult, ChartView, ErrorCode, ReleasePlan } from '@platform/contracts';
import { helmBin } from '@platform/test-support';
import { GatewayClient, signUp } from './support/client.js';
import { writeConfigMapChart } from './support/helm.js';
import { testClusterKubeconfig } from './support/kubeconfig.js';
import { startPlatform, type Platform } from './support/platform.js';

/** Chart repositories end to end: the users service stores them, the releases service searches and installs from them, through the gateway. */
let platform: Platform;
let client: GatewayClient;
let guarded: { url: string; authorizations: Array<string | undefined>; close: () => Promise<void> };
const password = `pw-${randomBytes(6).toString('hex')}`;
const namespace = `it-repos-${randomBytes(3).toString('hex')}`;

/** A Helm repository on 127.0.0.1 that needs basic auth (ana + password): `helm package` and `helm repo index` of the greeting chart. */
async function serveGuardedRepository(): Promise<typeof guarded> {
  const folder = await mkdtemp(join(tmpdir(), 'it-repos-'));
  const bin = await helmBin();
  const env = { PATH: process.env.PATH ?? '', HOME: folder };
  await promisify(execFile)(bin, ['package', await writeConfigMapChart('1.2.3'), '-d', folder], { env });
  await promisify(execFile)(bin, ['repo', 'index', folder], { env });
  const expected = `Basic ${Buffer.from(`ana:${password}`).toString('base64')}`;
  const authorizations: Array<string | undefined> = [];
  const server: Server = createServer(async (request, response) => {
    authorizations.push(request.headers.authorization);
    const file = (request.url ?? '/').replace(/^\/+/, '');
    if (request.headers.authorization !== expected) return void response.writeHead(401, { 'www-authenticate': 'Basic realm="charts"' }).end();
    if (!/^[\w.-]+$/.test(file)) return void response.writeHead(404).end();
    readFile(join(folder, file)).then(
      (body) => response.writeHead(200).end(body),
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    authorizations,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

before(async () => {
  guarded = await serveGuardedRepository();
  platform = await startPlatform();
  let userId: number;
  ({ client, id: userId } = await signUp(platform.gatewayUrl, `repos-${randomBytes(4).toString('hex')}@example.test`));
  const put = await client.put(`/api/users/${userId}`, { rawKubeConfig: await testClusterKubeconfig(), allowedContexts: ['admin'] });
  assert.equal(put.status, 204, put.text);
});
after(async () => {
  await platform?.stop();
  await guarded?.close();
});

test('add, list, search, show, install from and remove a credentialed repository through the gateway', async () => {
  const added = await client.post('/api/repositories', { name: 'guarded', url: guarded.url, username: 'ana', password });
  assert.equal(added.status, 201, added.text);
  assert.equal(ChartRepository.parse(added.json).hasCredentials, true);
  assert.ok(!added.text.includes(password));
  const taken = await client.post('/api/repositories', { name: 'guarded', url: guarded.url });
  assert.deepEqual([taken.status, (taken.json as { code: number }).code], [409, ErrorCode.RepositoryNameTaken]);

  const listed = await client.get('/api/repositories');
  assert.equal(listed.status, 200);
  assert.deepEqual(
    ChartRepositoryList.parse(listed.json).map((repository) => [repository.name, repository.hasCredentials]),
    [['guarded', true]],
  );
  assert.ok(!listed.text.includes(password));

  const found = await client.get('/api/repositories/search?q=greet');
  assert.equal(found.status, 200, found.text);
  assert.deepEqual(ChartSearchResult.parse(found.json), {
    charts: [{ repository: 'guarded', name: 'greeting', latestVersion: '1.2.3', versions: ['1.2.3'], description: 'A greeting in a ConfigMap' }],
    truncated: false,
    unavailable: [],
  });

  const shown = await client.get('/api/charts/show?repository=guarded&name=greeting');
  assert.equal(shown.status, 200, shown.text);
  assert.equal(ChartView.parse(shown.json).values, 'message: hello\nreplicas: 1\n');

  const planned = await client.post('/api/releases', {
    name: 'from-guarded',
    namespace,
    createNamespace: true,
    context: 'admin',
    chart: { repository: 'guarded', name: 'greeting' },
    dryRun: true,
  });
  assert.equal(planned.status, 200, planned.text);
  assert.equal(ReleasePlan.parse(planned.json).to.chart, 'greeting-1.2.3');
  assert.ok(guarded.authorizations.length >= 2 && guarded.authorizations.every((header) => header !== undefined));

  const removed = await client.delete('/api/repositories/guarded');
  assert.deepEqual([removed.status, removed.text], [204, '']);
  const gone = await client.get('/api/repositories/search?repository=guarded');
  assert.deepEqual([gone.status, gone.json], [404, { code: ErrorCode.NotFound, errors: ['repository guarded not found'] }]);
  const again = await client.delete('/api/repositories/guarded');
  assert.equal(again.status, 404);
});

test('repositories are per session user: without a session 403 Forbidden, another user sees none', async () => {
  const anonymous = new GatewayClient(platform.gatewayUrl);
  for (const [method, path] of [
    ['GET', '/api/repositories'],
    ['GET', '/api/repositories/search'],
    ['DELETE', '/api/repositories/x'],
  ] as const) {
    const refused = await anonymous.request(method, path);
    assert.deepEqual([refused.status, refused.text], [403, 'Forbidden'], `${method} ${path}`);
  }
  await client.post('/api/repositories', { name: 'mine', url: 'https://charts.example.test' });
  const { client: other } = await signUp(platform.gatewayUrl, `repos-other-${randomBytes(4).toString('hex')}@example.test`);
  assert.deepEqual((await other.get('/api/repositories')).json, []);
  assert.equal((await other.delete('/api/repositories/mine')).status, 404);
  assert.equal((await client.delete('/api/repositories/mine')).status, 204);
});

test('an install form (multipart, the chart as a file part) passes the gateway with its boundary; over the body limit it is 413', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'it-form-'));
  const env = { PATH: process.env.PATH ?? '', HOME: folder };
  await promisify(execFile)(await helmBin(), ['package', await writeConfigMapChart('2.0.0'), '-d', folder], { env });
  const archive = await readFile(join(folder, 'greeting-2.0.0.tgz'));
  const cookie = `porter_session=${client.cookie}`;
  const form = new FormData();
  for (const [name, value] of Object.entries({ name: 'from-form', namespace, context: 'admin', dryRun: 'true' })) form.append(name, value);
  form.append('chart', new Blob([archive]), 'greeting.tgz');
  const planned = await fetch(`${platform.gatewayUrl}/api/releases`, { method: 'POST', body: form, headers: { cookie } });
  const plan: unknown = await planned.json();
  assert.equal(planned.status, 200, JSON.stringify(plan));
  assert.equal(ReleasePlan.parse(plan).to.chart, 'greeting-2.0.0');

  // Declared over the limit and only begun: the gateway answers on the length, before reading (a full send
  // would race the 413 with the connection's reset on the unread rest).
  const tooLarge = await new Promise<{ status: number; body: unknown }>((resolve, reject) => {
    const headers = { cookie, 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(3 * 1024 * 1024) };
    const request = httpRequest(`${platform.gatewayUrl}/api/releases`, { method: 'POST', headers });
    request.once('response', (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.once('end', () => {
        request.destroy();
        resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) });
      });
    });
    request.once('error', reject);
    request.write('--x\r\n');
  });
  assert.deepEqual(tooLarge, { status: 413, body: { code: ErrorCode.BadRequest, errors: ['request body too large'] } });
});
