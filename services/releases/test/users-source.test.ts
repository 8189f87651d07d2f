import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { InternalRoutes } from '@platform/contracts';
import { AppError, createServiceApp, requireService, signedIdentityPlugin, type ServiceApp } from '@platform/service-kit';
import { HttpUserKubeconfigSource } from '../src/users/kubeconfig-source.js';
import { signingSecret } from './fixtures.js';

/** A stand-in for the users service's internal routes, behind the same signed-identity check. */
let users: ServiceApp;
let url: string;
const callers: string[] = [];
before(async () => {
  users = createServiceApp({ service: 'users', logLevel: 'silent' });
  await users.register(signedIdentityPlugin, { secret: signingSecret, audience: 'users', publicPaths: [] });
  users.get('/internal/users/:id/kubeconfig-version', async (request) => {
    requireService(request, 'releases');
    callers.push(JSON.stringify({ identity: request.identity, requestId: request.id }));
    return { userId: Number((request.params as { id: string }).id), kubeconfigVersion: 4 };
  });
  users.get('/internal/users/:id/kubeconfig', async (request) => {
    requireService(request, 'releases');
    const id = Number((request.params as { id: string }).id);
    if (id === 404) throw AppError.notFound();
    if (id === 503) throw AppError.unavailable('database unavailable');
    return { userId: id, kubeconfigVersion: 4, rawKubeConfig: 'apiVersion: v1', allowedContexts: ['admin'] };
  });
  url = await users.listen({ host: '127.0.0.1', port: 0 });
});
after(async () => users.close());

test('asks the users service with the signed service:releases identity', async () => {
  const source = new HttpUserKubeconfigSource({ usersUrl: url, signingSecret, timeoutMs: 2_000 });
  assert.deepEqual(await source.version(12), { userId: 12, kubeconfigVersion: 4 });
  assert.deepEqual(
    callers.map((caller) => JSON.parse(caller).identity),
    [{ kind: 'service', name: 'releases' }],
  );
  assert.deepEqual(await source.kubeconfig(12), { userId: 12, kubeconfigVersion: 4, rawKubeConfig: 'apiVersion: v1', allowedContexts: ['admin'] });
  assert.equal(InternalRoutes.userKubeconfig(12), '/internal/users/12/kubeconfig');
});

test('carries the id of the request being served, bodies or not, and only that one', async () => {
  const source = new HttpUserKubeconfigSource({ usersUrl: url, signingSecret, timeoutMs: 2_000 });
  const releases = createServiceApp({ service: 'releases', logLevel: 'silent' });
  releases.get('/check', async () => source.version(7));
  releases.post('/check', async () => source.version(8));
  // Over a socket, with a body that arrives in two parts: the second on the socket's own events.
  const releasesUrl = await releases.listen({ host: '127.0.0.1', port: 0 });
  const send = (id: string, body?: object) =>
    fetch(`${releasesUrl}/check`, {
      method: body ? 'POST' : 'GET',
      headers: { 'x-request-id': id, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? slowly(JSON.stringify(body)) : undefined,
      duplex: 'half',
    }).then((response) => response.arrayBuffer());
  try {
    callers.length = 0;
    await send('trace-get');
    await send('trace-post', { some: 'body' });
    await Promise.all(['trace-a', 'trace-b'].map((id) => send(id)));
    await source.version(9);
    const ids = callers.map((caller) => JSON.parse(caller).requestId as string);
    assert.deepEqual(ids.slice(0, 4).sort(), ['trace-a', 'trace-b', 'trace-get', 'trace-post']);
    assert.ok(!ids[4]!.startsWith('trace'), `outside a request the users service makes its own id, not ${ids[4]}`);
  } finally {
    await releases.close();
  }
});

function slowly(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  const half = Math.floor(bytes.length / 2);
  return new ReadableStream({
    async start(controller) {
      controller.enqueue(bytes.slice(0, half));
      await new Promise((resolve) => setTimeout(resolve, 100));
      controller.enqueue(bytes.slice(half));
      controller.close();
    },
  });
}

test('a user without a kubeconfig has no allowed context; a wrong secret is refused as unavailable', async () => {
  const source = new HttpUserKubeconfigSource({ usersUrl: url, signingSecret, timeoutMs: 2_000 });
  assert.deepEqual((await source.kubeconfig(404)).allowedContexts, []);
  const forged = new HttpUserKubeconfigSource({ usersUrl: url, signingSecret: 'another-secret-of-enough-length', timeoutMs: 2_000 });
  await assert.rejects(forged.version(1), (error: unknown) => error instanceof AppError && error.status === 503);
});

test('a users service that cannot reach its database: its 503 and cause are passed on; down entirely: users service unavailable', async () => {
  const source = new HttpUserKubeconfigSource({ usersUrl: url, signingSecret, timeoutMs: 2_000 });
  await assert.rejects(
    source.kubeconfig(503),
    (error: unknown) => error instanceof AppError && error.status === 503 && error.errors[0] === 'database unavailable',
  );
  const gone = new HttpUserKubeconfigSource({ usersUrl: 'http://127.0.0.1:1', signingSecret, timeoutMs: 2_000 });
  await assert.rejects(
    gone.version(1),
    (error: unknown) => error instanceof AppError && error.status === 503 && error.errors[0] === 'users service unavailable',
  );
});
