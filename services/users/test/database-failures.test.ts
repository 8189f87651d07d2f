import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { InternalRoutes } from '@platform/contracts';
import { signIdentity } from '@platform/service-kit';
import { mongoUrl } from '@platform/test-support';
import mongoose from 'mongoose';
import { MongoApiTokenRepository } from '../src/adapters/mongo-api-token-repository.js';
import { MongoChartRepositoryStore } from '../src/adapters/mongo-chart-repository-store.js';
import { ChartRepositoryService } from '../src/domain/chart-repositories.js';
import { outboxRecorder } from '@platform/audit';
import { MongoAuditOutbox } from '../src/adapters/mongo-audit-outbox.js';
import { MongoAuditStore } from '../src/adapters/mongo-audit-store.js';
import { MongoUserRepository } from '../src/adapters/mongo-user-repository.js';
import { buildApp } from '../src/app.js';
import { UsersConfig } from '../src/config.js';
import { ApiTokens } from '../src/domain/api-tokens.js';
import { KubeconfigCipher } from '../src/domain/kubeconfig-cipher.js';
import { PasswordHasher } from '../src/domain/passwords.js';
import { UserService } from '../src/domain/user-service.js';
import { asGateway, asUser } from './helper.js';

test('a database that cannot be reached gives 503 "database unavailable" in the contract shape and an unready service, never a stack trace', async (t) => {
  const connection = await mongoose.createConnection(await mongoUrl(`users_test_${randomBytes(6).toString('hex')}`), { bufferCommands: false }).asPromise();
  const repository = await MongoUserRepository.open(connection);
  const tokens = new ApiTokens({ repository: await MongoApiTokenRepository.open(connection), userExists: (id) => repository.exists(id) });
  const keyring = UsersConfig.shape.KUBECONFIG_ENCRYPTION_KEYS.parse(`k:${randomBytes(32).toString('base64')}`);
  const repositories = new ChartRepositoryService(await MongoChartRepositoryStore.open(connection), new KubeconfigCipher(keyring), {
    add: async () => {},
    kick: () => {},
  });
  const audit = await MongoAuditStore.open(connection);
  const auditEvents = outboxRecorder('users', await MongoAuditOutbox.open(connection, repository), { kick: () => undefined });
  await connection.dropDatabase();
  await connection.close();

  const secret = randomBytes(32).toString('hex');
  const users = new UserService({
    repository,
    hasher: new PasswordHasher(4),
    cipher: new KubeconfigCipher(keyring),
    onEventQueued: () => {},
    deleteApiTokensOfUser: (id) => tokens.deleteAllOfUser(id),
    repositories,
  });
  const app = await buildApp(
    { users, tokens, repositories, audit, auditEvents, readiness: { database: () => connection.readyState === mongoose.ConnectionStates.connected } },
    { INTERNAL_SIGNING_SECRET: secret, LOG_LEVEL: 'silent' },
  );
  t.after(() => app.close());
  const send = (identity: Parameters<typeof signIdentity>[1], method: 'GET' | 'POST', url: string, payload?: object) =>
    app.inject({ method, url, headers: signIdentity(secret, identity, { audience: 'users', method, url }), ...(payload ? { payload } : {}) });

  const read = await send(asUser(1), 'GET', '/api/users/1');
  const unavailable = [503, { code: 503, errors: ['database unavailable'] }];
  assert.deepEqual([read.statusCode, read.json()], unavailable);
  const repositoryList = await send(asUser(1), 'GET', '/api/repositories');
  assert.deepEqual([repositoryList.statusCode, repositoryList.json()], unavailable);
  const signUp = await send(asGateway, 'POST', InternalRoutes.createUser, { email: 'down@example.com', password: 'pw' });
  assert.deepEqual([signUp.statusCode, signUp.json()], unavailable);
  const tokenCheck = await send(asGateway, 'POST', InternalRoutes.verifyApiToken, { token: `prt_${'0'.repeat(16)}_${'a'.repeat(43)}` });
  assert.deepEqual([tokenCheck.statusCode, tokenCheck.json()], unavailable);
  await assert.rejects(repository.nextUserId(), (error: Error) => error.message === 'database unavailable');
  const ready = await app.inject({ method: 'GET', url: '/readyz' });
  assert.deepEqual([ready.statusCode, ready.json()], [503, { status: 'unavailable', failing: ['database'] }]);
});
