import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { ErrorCode } from '@platform/contracts';
import { stringify } from 'yaml';
import { encodeRelease, releaseKey } from '../src/helm/codec.js';
import { buildTestApp, call, FakeKubeconfigSource, query } from './fixtures.js';

/**
 * A "cluster" on 127.0.0.1 that is not a Kubernetes API: each scenario is a path prefix of its server URL, so
 * one kubeconfig holds one context per scenario. Traffic stays on loopback.
 */
const secretNotKubernetes = 'internal-service-data-7f3a';
const received: string[] = [];
let fake: Server;
let port: number;
/** Where the 'helm-redirect' cluster sends helm: loopback, but not on the allowlist. */
const sideReceived: string[] = [];
let side: Server;
let sidePort: number;

const namespaceList = { kind: 'NamespaceList', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items: [{ metadata: { name: 'team-a' } }] };
const releaseSample = {
  name: 'bomb',
  info: { status: 'deployed', last_deployed: '2024-01-01T00:00:00Z' },
  chart: { metadata: { name: 'demo', version: '0.1.0' }, templates: [] },
  version: 1,
  namespace: 'team-a',
};

/** A SecretList of release records (`data.release` holds `encoded`), as Helm's secrets driver stores them. */
function secretListWith(encoded: string, names = ['bomb']) {
  return {
    kind: 'SecretList',
    apiVersion: 'v1',
    metadata: {},
    items: names.map((name) => ({
      metadata: { name: releaseKey(name, 1), namespace: 'team-a', labels: { name, owner: 'helm', status: 'deployed', version: '1' } },
      type: 'helm.sh/release.v1',
      data: { release: Buffer.from(encoded).toString('base64') },
    })),
  };
}

/** gzip of JSON that inflates to `bytes` (a long manifest of one repeated character); gzip shrinks it ~1000-fold. */
function inflatingRecord(bytes: number): string {
  const head = Buffer.from(JSON.stringify({ ...releaseSample, manifest: '' }).replace(/"manifest":""}$/, '"manifest":"'));
  return gzipSync(Buffer.concat([head, Buffer.alloc(bytes, 'a'), Buffer.from('"}')]), { level: 9 }).toString('base64');
}
const tenMiBRecord = inflatingRecord(10 * 2 ** 20);
/** Under the 4 MiB cap of each record; six of them are past the 12 MiB one request may decode. */
const threeMiBRecord = inflatingRecord(3 * 2 ** 20);
const manyReleases = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6'];

function answer(request: IncomingMessage, response: ServerResponse): void {
  received.push(request.url ?? '');
  const [, scenario] = (request.url ?? '').split('/');
  const json = (status: number, body: unknown): void => {
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  switch (scenario) {
    case 'ok':
      return json(200, namespaceList);
    case 'not-kubernetes':
      return json(200, { secret: secretNotKubernetes, items: [{ metadata: { name: secretNotKubernetes } }] });
    case 'wrong-kind':
      return json(200, { ...namespaceList, kind: 'SecretList' });
    case 'not-json':
      return void response.writeHead(200, { 'content-type': 'text/html' }).end(`<html>${secretNotKubernetes}</html>`);
    case 'redirect':
      return void response.writeHead(302, { location: `http://127.0.0.1:${port}/ok/api/v1/namespaces` }).end();
    case 'oversize':
      return json(200, { ...namespaceList, padding: 'x'.repeat(2 * 2 ** 20) });
    case 'leaky-status':
      return json(500, {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        message: 'etcd at https://10.0.0.7:2379 failed: open /var/lib/kubelet/pki/key.pem; dial tcp 172.16.3.4:6443; token Bearer abcdef0123456789',
      });
    case 'inflating':
      return json(200, secretListWith(tenMiBRecord));
    case 'many-records':
      return json(200, secretListWith(threeMiBRecord, manyReleases));
    case 'not-gzip':
      return json(200, secretListWith(Buffer.from([0x1f, 0x8b, 0x08, 1, 2, 3]).toString('base64')));
    case 'not-a-release':
      return json(200, secretListWith(gzipSync(JSON.stringify({ anything: secretNotKubernetes })).toString('base64')));
    case 'small-release':
      return json(200, secretListWith(encodeRelease(releaseSample)));
    case 'helm-redirect':
      // Our own client reads the release; everything helm asks is sent elsewhere.
      if (/\/secrets\?labelSelector=/.test(request.url ?? '')) return json(200, secretListWith(encodeRelease(chartRelease)));
      return void response.writeHead(302, { location: `http://127.0.0.2:${sidePort}${request.url ?? '/'}` }).end();
    default:
      return json(404, { kind: 'Status', apiVersion: 'v1', message: 'not found' });
  }
}

const chartRelease = {
  ...releaseSample,
  chart: {
    metadata: { apiVersion: 'v2', name: 'demo', version: '0.1.0' },
    templates: [{ name: 'templates/cm.yaml', data: Buffer.from('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\n').toString('base64') }],
    values: {},
  },
  config: {},
};

const scenarios = [
  'helm-redirect',
  'ok',
  'not-kubernetes',
  'wrong-kind',
  'not-json',
  'redirect',
  'oversize',
  'leaky-status',
  'inflating',
  'many-records',
  'not-gzip',
  'not-a-release',
  'small-release',
];

function kubeconfigFor(servers: Record<string, string>): string {
  const names = Object.keys(servers);
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: names.map((name) => ({ name, cluster: { server: servers[name] } })),
    users: [{ name: 'user', user: { token: 'fake-token' } }],
    contexts: names.map((name) => ({ name, context: { cluster: name, user: 'user', namespace: 'team-a' } })),
  });
}

let built: Awaited<ReturnType<typeof buildTestApp>>;
before(async () => {
  side = createServer((request, response) => {
    sideReceived.push(request.url ?? '');
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => side.listen(0, '127.0.0.2', resolve));
  sidePort = (side.address() as AddressInfo).port;
  fake = createServer(answer);
  await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
  port = (fake.address() as AddressInfo).port;
  const servers: Record<string, string> = Object.fromEntries(scenarios.map((name) => [name, `http://127.0.0.1:${port}/${name}/`]));
  servers['ok-again'] = `http://127.0.0.1:${port}/ok`;
  servers['with-query'] = `http://127.0.0.1:${port}/ok?watch=true`;
  servers['with-fragment'] = `http://127.0.0.1:${port}/ok#x`;
  servers['not-allowed'] = `http://127.0.0.2:${port}/ok`;
  const contexts = Object.keys(servers);
  built = await buildTestApp(
    { kubeconfigs: new FakeKubeconfigSource({ kubeconfigVersion: 1, rawKubeConfig: kubeconfigFor(servers), allowedContexts: contexts }) },
    {
      allow: [`127.0.0.1:${port}`],
      config: { KUBE_RESPONSE_MAX_BYTES: 2 ** 20, RELEASE_RECORD_MAX_BYTES: 4 * 2 ** 20, RELEASE_REQUEST_MAX_BYTES: 12 * 2 ** 20 },
    },
  );
});
after(async () => {
  await built.app.close();
  await new Promise((resolve) => fake.close(resolve));
  await new Promise((resolve) => side.close(resolve));
});

async function namespaces(context: string) {
  received.length = 0;
  return call(built.app, 'GET', `/api/k8s/namespaces?${query({ context })}`);
}

function assertUnreachable(response: Awaited<ReturnType<typeof namespaces>>, message: RegExp): void {
  assert.equal(response.statusCode, 502, response.body);
  const body = response.json() as { code: number; errors: string[] };
  assert.equal(body.code, ErrorCode.ClusterUnreachable);
  assert.match(body.errors[0]!, message);
  assert.ok(!response.body.includes(secretNotKubernetes), 'the answer is never echoed');
}

test('the server URL path prefix is kept: the cluster sees /<prefix>/api/v1/namespaces', async () => {
  const response = await namespaces('ok');
  assert.equal(response.statusCode, 200, response.body);
  assert.deepEqual(response.json(), namespaceList);
  assert.deepEqual(received, ['/ok/api/v1/namespaces']);
});

test('first requests of a context at the same time share one client: none loses its connection pool to another', async () => {
  const replies = await Promise.all(Array.from({ length: 4 }, () => call(built.app, 'GET', `/api/k8s/namespaces?${query({ context: 'ok-again' })}`)));
  assert.deepEqual(
    replies.map((reply) => reply.statusCode),
    [200, 200, 200, 200],
    replies.map((reply) => reply.body).join('\n'),
  );
});

test('an answer that is not the Kubernetes kind expected is 502/604 and never echoed', async () => {
  assertUnreachable(await namespaces('not-kubernetes'), /did not answer a NamespaceList/);
  assertUnreachable(await namespaces('wrong-kind'), /did not answer a NamespaceList/);
  assertUnreachable(await namespaces('not-json'), /did not answer JSON/);
  const releases = await call(built.app, 'GET', `/api/releases?${query({ context: 'not-kubernetes', namespace: 'team-a' })}`);
  assertUnreachable(releases, /did not answer a SecretList/);
});

test('a redirect is not followed', async () => {
  assertUnreachable(await namespaces('redirect'), /redirect \(HTTP 302\)/);
  assert.deepEqual(received, ['/redirect/api/v1/namespaces'], 'the redirect target was never asked');
});

test('an answer over KUBE_RESPONSE_MAX_BYTES is 502/604', async () => {
  assertUnreachable(await namespaces('oversize'), /larger than this service reads/);
});

test('a server URL with a query or fragment is refused before any request; other loopback addresses are not reachable', async () => {
  for (const context of ['with-query', 'with-fragment']) {
    const response = await namespaces(context);
    assert.equal(response.statusCode, 422, response.body);
    assert.deepEqual(response.json(), {
      code: ErrorCode.ValidationFailed,
      errors: ['kubeconfig validation failed: cluster server must not carry a query or fragment'],
    });
  }
  assertUnreachable(await namespaces('not-allowed'), /^cluster address not allowed: 127\.0\.0\.2$/);
  assert.deepEqual(received, []);
});

test('a cluster error message is passed on without addresses, paths and tokens', async () => {
  const response = await namespaces('leaky-status');
  assert.equal(response.statusCode, 500);
  const [message] = (response.json() as { errors: string[] }).errors;
  assert.equal(message, 'etcd at <url> failed: open <path>; dial tcp <address>; token Bearer <redacted>');
});

test('release records that inflate past the cap, are not gzip, or are not a release: 500/603 naming the record', async () => {
  const cases: Array<[string, RegExp]> = [
    ['inflating', /decoded record over 4194304 bytes/],
    ['not-gzip', /not valid gzip/],
    ['not-a-release', /not a Helm release/],
  ];
  for (const [context, reason] of cases) {
    for (const url of ['/api/releases/bomb/history', '/api/releases/bomb/0', '/api/releases']) {
      const response = await call(built.app, 'GET', `${url}?${query({ context, namespace: 'team-a' })}`);
      assert.equal(response.statusCode, 500, `${context} ${url}: ${response.body.slice(0, 200)}`);
      const body = response.json() as { code: number; errors: string[] };
      assert.equal(body.code, ErrorCode.ClusterOperationFailed);
      assert.match(body.errors[0]!, new RegExp(`^release record team-a/sh\\.helm\\.release\\.v1\\.bomb\\.v1 refused: `));
      assert.match(body.errors[0]!, reason);
      assert.ok(response.body.length < 300 && !response.body.includes(secretNotKubernetes));
    }
  }
  const fine = await call(built.app, 'GET', `/api/releases/bomb/history?${query({ context: 'small-release', namespace: 'team-a' })}`);
  assert.equal(fine.statusCode, 200, fine.body);
  assert.deepEqual(fine.json(), [releaseSample]);
});

test('many records each under the cap: one request decodes at most RELEASE_REQUEST_MAX_BYTES of them, then 500/603 naming one', async () => {
  for (const url of ['/api/releases/r1/history', '/api/releases']) {
    const response = await call(built.app, 'GET', `${url}?${query({ context: 'many-records', namespace: 'team-a' })}`);
    assert.equal(response.statusCode, 500, `${url}: ${response.body.slice(0, 200)}`);
    assert.match(
      (response.json() as { errors: string[] }).errors[0]!,
      /^release record team-a\/sh\.helm\.release\.v1\.r[1-6]\.v1 refused: the request's records decode to over 12582912 bytes in all$/,
    );
  }
  // One record is within the budget, and every request has a budget of its own.
  for (let round = 0; round < 2; round += 1) {
    const one = await call(built.app, 'GET', `/api/releases/r1/1?${query({ context: 'many-records', namespace: 'team-a' })}`);
    assert.equal(one.statusCode, 200, one.body.slice(0, 200));
    assert.equal((one.json() as { manifest: string }).manifest.length, 3 * 2 ** 20);
  }
  // Answered, every request has given back what it held of the replica's budget.
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(built.decoder.heldBytes, 0);
});

test('helm follows no redirect out of the policy: its every hop goes through the policy proxy', async () => {
  received.length = 0;
  const reply = await call(built.app, 'POST', '/api/releases/bomb/upgrade', { context: 'helm-redirect', namespace: 'team-a', values: 'a: 1\n' });
  assert.ok(reply.statusCode >= 500, reply.body);
  assert.ok(
    received.some((url) => !url.includes('/secrets?')),
    `helm asked the cluster: ${received.join(', ')}`,
  );
  assert.deepEqual(sideReceived, [], 'the redirect target was never reached');
});
