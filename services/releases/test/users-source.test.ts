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
  await users.register(signedIdentityPlugin, { secret: signingSecret, publicPaths: [] });
  users.get('/internal/users/:id/kubeconfig-version', async (request) => {
    requireService(request);
    callers.push(JSON.stringify(request.identity));
    return { userId: Number((request.params as { id: string }).id), kubeconfigVersion: 4 };
  });
  users.get('/internal/users/:id/kubeconfig', async (request) => {
    requireService(request);
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
  assert.deepEqual(callers, [JSON.stringify({ kind: 'service', name: 'releases' })]);
  assert.deepEqual(await source.kubeconfig(12), { userId: 12, kubeconfigVersion: 4, rawKubeConfig: 'apiVersion: v1', allowedContexts: ['admin'] });
  assert.equal(InternalRoutes.userKubeconfig(12), '/internal/users/12/kubeconfig');
});

test('a user without a kubeconfig has no allowed context; a wrong secret is refused as unavailable', async () => {
  const source = new HttpUserKubeconfigSource({ usersUrl: url, signingSecret, timeoutMs: 2_000 });
  assert.deepEqual((await source.kubeconfig(404)).allowedContexts, []);
  const forged = new HttpUserKubeconfigSource({ usersUrl: url, signingSecret: 'another-secret-of-enough-length', timeoutMs: 2_000 });
  await assert.rejects(forged.version(1), (error: unknown) => error instanceof AppError && error.status === 503);
});

test('a users service that cannot reach its database: its 503 and cause are passed on; down entirely: users service unavailable', async () => {
  const source = new HttpUserKubeconfigSource({ usersUrl: url, signingSecret, timeoutMs: 2_000 });
  await assert.rejects(source.kubeconfig(503), (error: unknown) => error instanceof AppError && error.status === 503 && error.errors[0] === 'database unavailable');
  const gone = new HttpUserKubeconfigSource({ usersUrl: 'http://127.0.0.1:1', signingSecret, timeoutMs: 2_000 });
  await assert.rejects(gone.version(1), (error: unknown) => error instanceof AppError && error.status === 503 && error.errors[0] === 'users service unavailable');
});
