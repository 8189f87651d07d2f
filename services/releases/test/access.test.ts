import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ErrorCode, type UserEvent } from '@platform/contracts';
import { parse, stringify } from 'yaml';
import { buildTestApp, call, createNamespace, deleteNamespace, FakeKubeconfigSource, helm, query, realKubeconfig, userId, writeDemoChart } from './fixtures.js';

let namespace: string;
let kubeconfig: string;
before(async () => {
  namespace = await createNamespace('rel-access');
  kubeconfig = await realKubeconfig();
  await helm(['install', 'team-app', await writeDemoChart(), '-n', 'team-a', '--set', `greeting=${namespace}`]).catch(() => undefined);
});
after(async () => {
  await helm(['uninstall', 'team-app', '-n', 'team-a']).catch(() => undefined);
  await deleteNamespace(namespace);
});

/** The real kubeconfig with the admin cluster's server or user changed. */
function editedKubeconfig(
  edit: (document: { clusters: Array<{ cluster: Record<string, unknown> }>; users: Array<{ name: string; user: Record<string, unknown> }> }) => void,
): string {
  const document = parse(kubeconfig);
  edit(document);
  return stringify(document);
}

test('requests without a signed user identity are refused', async () => {
  const { app } = await buildTestApp();
  const response = await app.inject({ method: 'GET', url: '/api/k8s/namespaces?context=admin' });
  assert.equal(response.statusCode, 403);
  assert.equal(response.body, 'Forbidden');
  await app.close();
});

test('namespaces: Kubernetes NamespaceList as the cluster returns it', async () => {
  const { app } = await buildTestApp();
  const response = await call(app, 'GET', '/api/k8s/namespaces?context=admin');
  assert.equal(response.statusCode, 200);
  const body = response.json();
  assert.equal(body.kind, 'NamespaceList');
  assert.ok(body.items.some((item: { metadata: { name: string } }) => item.metadata.name === namespace));
  await app.close();
});

test('the limited context lists its own namespace; elsewhere RBAC forbids with 403/608', async () => {
  const { app } = await buildTestApp();
  const own = await call(app, 'GET', `/api/releases?${query({ context: 'limited', namespace: 'team-a' })}`);
  assert.equal(own.statusCode, 200, own.body);
  assert.ok(own.json().some((entry: { name: string }) => entry.name === 'team-app'));
  const other = await call(app, 'GET', `/api/releases?${query({ context: 'limited', namespace })}`);
  assert.equal(other.statusCode, 403);
  assert.equal(other.json().code, ErrorCode.ClusterForbidden);
  assert.match(other.json().errors[0], /secrets is forbidden: User "limited-user" cannot list resource "secrets"/);
  const namespaces = await call(app, 'GET', '/api/k8s/namespaces?context=limited');
  assert.equal(namespaces.statusCode, 403);
  await app.close();
});

test('a context that is not allowed: 403/605', async () => {
  const source = new FakeKubeconfigSource({ kubeconfigVersion: 1, rawKubeConfig: kubeconfig, allowedContexts: ['limited'] });
  const { app } = await buildTestApp({ kubeconfigs: source });
  const response = await call(app, 'GET', '/api/k8s/namespaces?context=admin');
  assert.equal(response.statusCode, 403);
  assert.deepEqual(response.json(), { code: ErrorCode.ContextNotAllowed, errors: ['context is not one of the allowed contexts'] });
  await app.close();
});

test('an unreachable cluster: 502/604 within the request timeout', async () => {
  const unreachable = editedKubeconfig((document) => {
    for (const entry of document.clusters) entry.cluster.server = 'https://127.0.0.1:1';
  });
  const source = new FakeKubeconfigSource({ kubeconfigVersion: 1, rawKubeConfig: unreachable, allowedContexts: ['admin'] });
  const { app } = await buildTestApp({ kubeconfigs: source }, { timeoutMs: 2_000 });
  const started = Date.now();
  const response = await call(app, 'GET', `/api/releases?${query({ context: 'admin' })}`);
  assert.equal(response.statusCode, 502);
  assert.equal(response.json().code, ErrorCode.ClusterUnreachable);
  assert.ok(Date.now() - started < 3_000);
  await app.close();
});

test('a cluster that never answers: 502/604 when the request timeout passes', async () => {
  const { createServer } = await import('node:net');
  const silent = createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const port = (silent.address() as { port: number }).port;
  const hanging = editedKubeconfig((document) => {
    for (const entry of document.clusters) entry.cluster.server = `https://127.0.0.1:${port}`;
  });
  const source = new FakeKubeconfigSource({ kubeconfigVersion: 1, rawKubeConfig: hanging, allowedContexts: ['admin'] });
  const { app } = await buildTestApp({ kubeconfigs: source }, { timeoutMs: 1_500, allow: [`127.0.0.1:${port}`] });
  const started = Date.now();
  const response = await call(app, 'GET', '/api/k8s/namespaces?context=admin');
  assert.deepEqual(response.json(), { code: ErrorCode.ClusterUnreachable, errors: ['cluster unreachable: timed out'] });
  assert.ok(Date.now() - started < 3_000, `took ${Date.now() - started} ms`);
  await app.close();
  silent.close();
});

test('a loopback cluster not on the allowlist is refused: 502/604', async () => {
  const loopback = editedKubeconfig((document) => {
    for (const entry of document.clusters) entry.cluster.server = 'https://localhost:6444';
  });
  const source = new FakeKubeconfigSource({ kubeconfigVersion: 1, rawKubeConfig: loopback, allowedContexts: ['admin'] });
  const { app } = await buildTestApp({ kubeconfigs: source });
  const response = await call(app, 'GET', '/api/k8s/namespaces?context=admin');
  assert.equal(response.statusCode, 502);
  assert.deepEqual(response.json(), { code: ErrorCode.ClusterUnreachable, errors: ['cluster address not allowed: localhost'] });
  await app.close();
});

test('exec plugins, auth providers and file references are refused, and nothing is executed', async () => {
  const marker = join(await mkdtemp(join(tmpdir(), 'releases-exec-')), 'ran');
  const refused: Array<[string, Record<string, unknown>]> = [
    ['exec', { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'sh', args: ['-c', `touch ${marker}`] } }],
    ['auth-provider', { 'auth-provider': { name: 'oidc', config: {} } }],
    ['client-certificate', { 'client-certificate': '/etc/passwd' }],
    ['tokenFile', { tokenFile: '/etc/hostname' }],
  ];
  for (const [field, user] of refused) {
    const hostile = editedKubeconfig((document) => {
      const admin = document.users.find((entry) => entry.name === 'admin')!;
      admin.user = user;
    });
    const source = new FakeKubeconfigSource({ kubeconfigVersion: 1, rawKubeConfig: hostile, allowedContexts: ['admin'] });
    const { app } = await buildTestApp({ kubeconfigs: source });
    for (const response of [
      await call(app, 'GET', '/api/k8s/namespaces?context=admin'),
      await call(app, 'POST', '/api/releases/team-app/upgrade', { context: 'admin', namespace: 'team-a', values: '' }),
    ]) {
      assert.equal(response.statusCode, 422, field);
      assert.equal(response.json().code, ErrorCode.ValidationFailed);
      assert.match(response.json().errors[0], new RegExp(`^kubeconfig validation failed: context admin cannot be used: user field ${field} `));
    }
    await app.close();
  }
  assert.equal(existsSync(marker), false);
});

test('read-your-writes: once the users service stored a new kubeconfig, the next request uses it', async () => {
  const source = new FakeKubeconfigSource({ kubeconfigVersion: 1, rawKubeConfig: kubeconfig, allowedContexts: ['admin'] });
  const { app, clusterClients } = await buildTestApp({ kubeconfigs: source });
  const broken = editedKubeconfig((document) => {
    for (const entry of document.users) entry.user = { token: 'not-a-valid-token' };
  });
  for (let round = 0; round < 3; round += 1) {
    source.set(kubeconfig, ['admin']);
    assert.equal((await call(app, 'GET', '/api/k8s/namespaces?context=admin')).statusCode, 200);
    source.set(broken, ['admin']);
    const refused = await call(app, 'GET', '/api/k8s/namespaces?context=admin');
    assert.deepEqual(refused.json(), { code: ErrorCode.ClusterUnreachable, errors: ['cluster refused our credentials'] });
    source.set(kubeconfig, []);
    assert.equal((await call(app, 'GET', '/api/k8s/namespaces?context=admin')).statusCode, 403);
  }
  // Old versions were dropped as soon as a newer one was seen.
  assert.ok(clusterClients.size <= 1);
  await app.close();
});

test('users events evict a user`s cached clients on this replica', async () => {
  let handler: ((event: UserEvent) => Promise<void>) | undefined;
  const events = {
    subscribeUserEvents: (spec: unknown, next: (event: UserEvent) => Promise<void>) => {
      assert.deepEqual(spec, { everyReplica: true });
      handler = next;
    },
    isConnected: () => true,
  };
  const { app, clusterClients } = await buildTestApp({ events });
  assert.equal((await call(app, 'GET', '/api/k8s/namespaces?context=admin')).statusCode, 200);
  assert.equal(clusterClients.size, 1);
  await handler!({ type: 'kubeconfig.changed', userId, kubeconfigVersion: 2, occurredAt: new Date().toISOString() });
  assert.equal(clusterClients.size, 0);
  await app.close();
});
