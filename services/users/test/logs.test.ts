import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InternalRoutes } from '@platform/contracts';
import { asGateway, asReleases, asUser, build, kubeconfigYaml } from './helper.js';

test('passwords, hashes and kubeconfigs never reach the logs', async (t) => {
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk: string | Uint8Array, ...rest: never[]) => {
    lines.push(String(chunk));
    return write(chunk, ...rest);
  };
  t.after(() => {
    process.stdout.write = write;
  });
  const { call, createUser, connection } = await build(t, { logLevel: 'trace' });
  const password = 'a-very-distinctive-password';
  const id = await createUser('logs@example.com', password);
  await call(asUser(id), 'PUT', `/api/users/${id}`, { rawKubeConfig: kubeconfigYaml(), allowedContexts: ['alpha'] });
  await call(asUser(id), 'PUT', `/api/users/${id}`, { rawKubeConfig: 'clusters: [ broken secret-token-alpha' });
  await call(asGateway, 'POST', InternalRoutes.verifyCredentials, { email: 'logs@example.com', password: `${password}-wrong` });
  await call(asReleases, 'GET', InternalRoutes.userKubeconfig(id));
  await call(asUser(id), 'DELETE', `/api/users/${id}`, { password: `${password}-wrong` });
  const stored = await connection.collection('users').findOne({ _id: id as never });
  process.stdout.write = write;

  const output = lines.join('');
  assert.ok(output.includes('"service":"users"'), 'the test captured the service log');
  for (const secret of [password, 'secret-token-alpha', 'alpha.example.com', stored?.passwordHash, stored?.kubeconfig.ciphertext]) {
    assert.ok(!output.includes(secret), `log holds ${String(secret).slice(0, 12)}…`);
  }
});
