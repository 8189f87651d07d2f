import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import { InternalRoutes, type Identity } from '@platform/contracts';
import { signIdentity, type ServiceApp } from '@platform/service-kit';
import { mongoUrl } from '@platform/test-support';
import mongoose, { type Connection } from 'mongoose';
import { MongoApiTokenRepository } from '../src/adapters/mongo-api-token-repository.js';
import { MongoChartRepositoryStore } from '../src/adapters/mongo-chart-repository-store.js';
import { AuditRelay, outboxRecorder, type AuditEventPublisher } from '@platform/audit';
import { MongoAuditOutbox } from '../src/adapters/mongo-audit-outbox.js';
import { MongoAuditStore } from '../src/adapters/mongo-audit-store.js';
import { MongoUserRepository } from '../src/adapters/mongo-user-repository.js';
import { buildApp } from '../src/app.js';
import { UsersConfig } from '../src/config.js';
import { ApiTokens } from '../src/domain/api-tokens.js';
import { ChartRepositoryService } from '../src/domain/chart-repositories.js';
import { KubeconfigCipher } from '../src/domain/kubeconfig-cipher.js';
import { OutboxRelay, type UserEventPublisher } from '../src/domain/outbox-relay.js';
import { PasswordHasher } from '../src/domain/passwords.js';
import { UserService } from '../src/domain/user-service.js';

/** The callers of the internal routes: the gateway signs up and logs in, the releases service reads kubeconfigs. */
export const asGateway: Identity = { kind: 'service', name: 'gateway' };
export const asReleases: Identity = { kind: 'service', name: 'releases' };
export const asUser = (userId: number): Identity => ({ kind: 'user', userId });

export interface Harness {
  app: ServiceApp;
  connection: Connection;
  repository: MongoUserRepository;
  relay: OutboxRelay;
  secret: string;
  config: UsersConfig;
  /** Sends a request signed for `identity` (null: unsigned). */
  call(identity: Identity | null, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown): Promise<Awaited<ReturnType<ServiceApp['inject']>>>;
  /** Creates a user through the internal route and returns its id. */
  createUser(email?: string, password?: string): Promise<number>;
}

export interface BuildOptions {
  /** Where the relay publishes; without one the relay does not run. */
  publisher?: UserEventPublisher;
  /** Where the audit relay publishes; without one it does not run (audit events stay in the outboxes). */
  auditPublisher?: AuditEventPublisher;
  /** bcrypt cost; the cheapest (4) unless a test measures hashing time. */
  bcryptCost?: number;
  /** Checks /readyz reports without failing. */
  degraded?: Record<string, () => boolean>;
  /** pino level; silent unless a test reads the logs. */
  logLevel?: string;
  /** The API tokens' clock (expiry, last use). */
  now?: () => Date;
}

/**
 * The users app on its own FerretDB database and signing secret, cleaned up when `t` ends. The user id
 * counter starts at a random height so this suite's events are told apart from other suites' on the
 * shared stream.
 */
export async function build(t: TestContext, options: BuildOptions = {}): Promise<Harness> {
  const database = `users_test_${randomBytes(6).toString('hex')}`;
  const secret = randomBytes(32).toString('hex');
  const config = UsersConfig.parse({
    MONGO_URL: await mongoUrl(database),
    NATS_URL: 'nats://127.0.0.1:4222',
    INTERNAL_SIGNING_SECRET: secret,
    KUBECONFIG_ENCRYPTION_KEYS: `test1:${randomBytes(32).toString('base64')}`,
    BCRYPT_COST: String(options.bcryptCost ?? 4),
    LOG_LEVEL: options.logLevel ?? 'silent',
  });
  const connection = await mongoose.createConnection(config.MONGO_URL, { bufferCommands: false }).asPromise();
  await connection.collection('counters').insertOne({ _id: 'users' as never, seq: 1_000_000 + Math.floor(Math.random() * 1_000_000_000) });
  const repository = await MongoUserRepository.open(connection);
  const failures: unknown[] = [];
  const relay = new OutboxRelay({
    repository,
    publisher: options.publisher ?? { publishUserEvent: async () => Promise.reject(new Error('no publisher in this test')) },
    onError: (error) => failures.push(error),
    intervalMs: 200,
  });
  const tokens = new ApiTokens({
    repository: await MongoApiTokenRepository.open(connection),
    userExists: (id) => repository.exists(id),
    ...(options.now ? { now: options.now } : {}),
  });
  const cipher = new KubeconfigCipher(config.KUBECONFIG_ENCRYPTION_KEYS);
  const auditOutbox = await MongoAuditOutbox.open(connection, repository);
  const repositories = new ChartRepositoryService(await MongoChartRepositoryStore.open(connection), cipher, {
    add: (event) => auditOutbox.add(event),
    kick: () => auditRelay?.kick(),
  });
  const users = new UserService({
    repository,
    hasher: new PasswordHasher(config.BCRYPT_COST),
    cipher,
    onEventQueued: () => {
      relay.kick();
      auditRelay?.kick();
    },
    deleteApiTokensOfUser: (id) => tokens.deleteAllOfUser(id),
    repositories,
  });
  const auditRelay = options.auditPublisher
    ? new AuditRelay({
        outbox: auditOutbox,
        publisher: options.auditPublisher,
        onError: (error) => failures.push(error),
        intervalMs: 200,
      })
    : null;
  const app = await buildApp(
    {
      users,
      tokens,
      repositories,
      audit: await MongoAuditStore.open(connection),
      auditEvents: outboxRecorder('users', auditOutbox, { kick: () => auditRelay?.kick() }),
      readiness: { database: () => connection.readyState === mongoose.ConnectionStates.connected },
      ...(options.degraded ? { degraded: options.degraded } : {}),
    },
    config,
  );
  if (options.publisher) relay.start();
  auditRelay?.start();

  t.after(async () => {
    await relay.stop();
    await auditRelay?.stop();
    await app.close();
    await connection.dropDatabase();
    await connection.close();
  });

  const call: Harness['call'] = (identity, method, url, body) => {
    const headers: Record<string, string> = identity ? signIdentity(secret, identity, { audience: 'users', method, url }) : {};
    // A string body is sent as it is, so tests can send malformed JSON.
    if (typeof body === 'string') headers['content-type'] = 'application/json';
    return app.inject({ method, url, headers, ...(body === undefined ? {} : { payload: body as string | object }) });
  };

  let counter = 0;
  const createUser: Harness['createUser'] = async (email, password = 'correct horse battery staple') => {
    counter += 1;
    const response = await call(asGateway, 'POST', InternalRoutes.createUser, { email: email ?? `user${counter}@example.com`, password });
    if (response.statusCode !== 201) throw new Error(`creating a user failed: ${response.statusCode} ${response.body}`);
    return response.json<{ id: number }>().id;
  };

  return { app, connection, repository, relay, secret, config, call, createUser };
}

/** A kubeconfig with contexts `beta` and `alpha` (usable), `orphan` (its user is missing) and `lonely` (its cluster is missing). */
export function kubeconfigYaml(server = 'https://alpha.example.com:6443'): string {
  return `apiVersion: v1
kind: Config
current-context: alpha
clusters:
- name: alpha-cluster
  cluster:
    server: ${server}
- name: beta-cluster
  cluster:
    server: https://beta.example.com/
users:
- name: alpha-user
  user:
    token: secret-token-alpha
- name: beta-user
  user:
    token: secret-token-beta
contexts:
- name: beta
  context: { cluster: beta-cluster, user: beta-user }
- name: alpha
  context: { cluster: alpha-cluster, user: alpha-user, namespace: team-a }
- name: orphan
  context: { cluster: alpha-cluster, user: nobody }
- name: lonely
  context: { cluster: nowhere, user: alpha-user }
`;
}

/** The same kind of kubeconfig as JSON, with one context `gamma`. */
export function kubeconfigJson(): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'g', cluster: { server: 'https://gamma.example.com' } }],
    users: [{ name: 'g-user', user: { token: 'secret-token-gamma' } }],
    contexts: [{ name: 'gamma', context: { cluster: 'g', user: 'g-user' } }],
  });
}
