import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { auditSpoolFolder, SpooledAudit } from '@platform/audit';
import {
  AuditEventsStream,
  ErrorMessage,
  InternalRoutes,
  KubeconfigVersionHeader,
  type Identity,
  type ServiceName,
  type VerifiedApiToken,
} from '@platform/contracts';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { EventBus, verifyIdentity } from '@platform/service-kit';
import { natsUrl, redisUrl } from '@platform/test-support';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { buildApp } from '../src/app.js';
import { GatewayConfig } from '../src/config.js';
import { createRedisClient } from '../src/sessions/redis-client.js';

export const signingSecret = randomBytes(32).toString('hex');

/** What a stand-in service received, echoed back so tests can see what the gateway sent. */
export interface Echo {
  method: string;
  url: string;
  identity: Identity;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/**
 * A stand-in for our users or releases service: it refuses requests without a valid signed identity (as
 * the real services do), answers the users service's internal routes from memory, and echoes the rest.
 */
export interface StandInService {
  server: FastifyInstance;
  url: string;
  passwords: Map<string, { id: number; password: string }>;
  /** How many times a password was checked (login), and how long each check takes, as bcrypt would. */
  passwordChecks: { count: number; delayMs: number };
  /** Live API tokens by token string; a token not here is answered 401, as the users service does. */
  tokens: Map<string, VerifiedApiToken>;
  /** How many times a token was checked. */
  tokenChecks: { count: number };
}

export async function startStandInService(audience: ServiceName): Promise<StandInService> {
  const passwords = new Map<string, { id: number; password: string }>();
  const passwordChecks = { count: 0, delayMs: 0 };
  const tokens = new Map<string, VerifiedApiToken>();
  const tokenChecks = { count: 0 };
  const server = Fastify();
  server.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  server.addHook('onRequest', async (request, reply) => {
    const identity = verifyIdentity(signingSecret, request.headers, { audience, method: request.method, url: request.url });
    if (!identity) return reply.code(403).type('text/plain').send('Forbidden');
    (request as unknown as { identity: Identity }).identity = identity;
  });
  server.post(InternalRoutes.createUser, async (request, reply) => {
    const { email, password } = request.body as { email: string; password: string };
    if (passwords.has(email)) return reply.code(422).send({ code: 601, errors: [ErrorMessage.emailTaken] });
    const id = passwords.size + 1;
    passwords.set(email, { id, password });
    return reply.code(201).send({ id });
  });
  server.post(InternalRoutes.verifyCredentials, async (request, reply) => {
    const { email, password } = request.body as { email: string; password: string };
    passwordChecks.count += 1;
    await new Promise((resolve) => setTimeout(resolve, passwordChecks.delayMs));
    const user = passwords.get(email);
    if (!user) return reply.code(401).send({ code: 401, errors: [ErrorMessage.emailNotRegistered] });
    if (user.password !== password) return reply.code(401).send({ code: 401, errors: [ErrorMessage.incorrectPassword] });
    return { id: user.id };
  });
  server.post(InternalRoutes.verifyApiToken, async (request, reply) => {
    tokenChecks.count += 1;
    const verified = tokens.get((request.body as { token: string }).token);
    return verified ?? reply.code(401).send({ code: 401, errors: [ErrorMessage.invalidToken] });
  });
  server.delete('/api/users/:id', async (_request, reply) => reply.code(204).send());
  // As the users service: a stored update answers with the kubeconfig version, here the one the test names.
  server.put('/api/users/:id', async (request, reply) => {
    const version = (request.headers['x-test-stored-version'] as string | undefined) ?? '1';
    return reply.code(204).header(KubeconfigVersionHeader.stored, version).send();
  });
  server.all('/*', async (request): Promise<Echo> => ({
    method: request.method,
    url: request.url,
    identity: (request as unknown as { identity: Identity }).identity,
    headers: request.headers,
    body: request.body ?? null,
  }));
  const address = await server.listen({ host: '127.0.0.1', port: 0 });
  return { server, url: address, passwords, passwordChecks, tokens, tokenChecks };
}

export interface TestGateway {
  app: Awaited<ReturnType<typeof buildApp>>;
  redis: Redis;
  events: EventBus;
  config: GatewayConfig;
  users: StandInService;
  releases: StandInService;
  /** The events of this gateway's own scope (another suite's events never reach it). */
  scope: string;
  close(): Promise<void>;
}

/** A gateway on the real Redis and NATS, under its own key prefix and event scope, with stand-in services. */
export async function startTestGateway(env: Record<string, string> = {}): Promise<TestGateway> {
  const scope = `gwtest${randomBytes(4).toString('hex')}`;
  const users = await startStandInService('users');
  const releases = await startStandInService('releases');
  const config = GatewayConfig.parse({
    REDIS_URL: await redisUrl(),
    NATS_URL: await natsUrl(),
    USERS_URL: users.url,
    RELEASES_URL: releases.url,
    INTERNAL_SIGNING_SECRET: signingSecret,
    REDIS_KEY_PREFIX: `${scope}:`,
    COOKIE_SECURE: 'false',
    LOG_LEVEL: 'silent',
    // Every test's requests come from the same address; suites about the budget set their own.
    PASSWORD_WORK_MAX_PER_ADDRESS: '100000',
    ...env,
  });
  const redis = createRedisClient(config.REDIS_URL, () => {});
  // Commands are refused, not queued, until the client is connected.
  if (env.REDIS_URL === undefined) await new Promise((resolve) => redis.once('ready', resolve));
  const events = new EventBus({ url: config.NATS_URL, name: 'gateway-test', log: pino({ level: 'silent' }), scope });
  // Its own spool under the scope: audit events reach this gateway's scoped stream.
  const spoolFolder = auditSpoolFolder('gateway', { EVENTS_SCOPE: scope });
  const audit = await SpooledAudit.open('gateway', spoolFolder);
  const app = await buildApp({ redis, events, audit: audit.recorder }, config);
  audit.start(events, app.metrics, app.log);
  await app.ready();
  return {
    app,
    redis,
    events,
    config,
    users,
    releases,
    scope,
    async close() {
      await app.close();
      await audit.stop();
      await events.close();
      await rm(spoolFolder, { recursive: true, force: true });
      await deleteEventStream(config.NATS_URL, scope);
      if (redis.status === 'ready') await deleteKeys(redis, config.REDIS_KEY_PREFIX);
      redis.disconnect();
      await users.server.close();
      await releases.server.close();
    },
  };
}

/** The scoped streams EventBus made for this gateway (see EventBusOptions.scope). */
async function deleteEventStream(url: string, scope: string): Promise<void> {
  const connection = await connect({ servers: url });
  try {
    const manager = await jetstreamManager(connection);
    await manager.streams.delete(`USER_EVENTS_${scope}`);
    await manager.streams.delete(`${AuditEventsStream.name}_${scope}`).catch(() => false);
  } finally {
    await connection.close();
  }
}

async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/** The session cookie a reply set (name=value), for the next request's Cookie header. */
export function sessionCookie(reply: { cookies: Array<{ name: string; value: string }> }, name = 'porter_session'): string {
  const cookie = reply.cookies.find((entry) => entry.name === name);
  if (!cookie || cookie.value === '') throw new Error('no session cookie was set');
  return `${name}=${cookie.value}`;
}

/** Creates a user through the gateway (which logs them in) and returns their id and session cookie. */
export async function signUp(gateway: TestGateway, email: string, password = 'correct horse'): Promise<{ id: number; cookie: string }> {
  const reply = await gateway.app.inject({ method: 'POST', url: '/api/users', payload: { email, password } });
  if (reply.statusCode !== 201) throw new Error(`sign-up failed: ${reply.statusCode} ${reply.body}`);
  return { id: reply.json<{ id: number }>().id, cookie: sessionCookie(reply) };
}

export async function login(gateway: TestGateway, email: string, password = 'correct horse', cookie?: string) {
  return gateway.app.inject({
    method: 'POST',
    url: '/api/login',
    payload: { email, password },
    headers: cookie ? { cookie } : {},
  });
}
