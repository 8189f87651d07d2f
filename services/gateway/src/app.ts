import cookie from '@fastify/cookie';
import type { AuditRecorder } from '@platform/audit';
import { createServiceApp, registerHealthRoutes, type ServiceApp } from '@platform/service-kit';
import type { Redis } from 'ioredis';
import { UsersClient, type UsersApi } from './clients/users-client.js';
import type { GatewayConfig } from './config.js';
import { LoginThrottle } from './domain/login-throttle.js';
import { PasswordWorkThrottle } from './domain/password-work-throttle.js';
import { RedisKubeconfigFloors } from './adapters/redis-kubeconfig-floors.js';
import { RedisSlidingWindows } from './adapters/redis-sliding-windows.js';
import { RedisTokenVerdicts } from './adapters/redis-token-verdicts.js';
import { tokenCacheLookupCounter } from './metrics.js';
import { registerCrossOriginGuard } from './plugins/cross-origin-guard.js';
import { registerSecurityHeaders } from './plugins/security-headers.js';
import { ApiDocsPaths, registerApiDocs } from './routes/api-docs.js';
import { registerAuthRoutes } from './routes/auth.js';
import { registerConsole } from './routes/console.js';
import { registerProxyRoutes } from './routes/proxy.js';
import { CachedTokenVerifier } from './sessions/cached-token-verifier.js';
import { Callers } from './sessions/callers.js';
import { endSessionsOfDeletedUsers, type UserEventSource } from './sessions/end-sessions-of-deleted-users.js';
import { SessionCookies } from './sessions/session-cookies.js';
import { RedisSessionStore } from './sessions/session-store.js';

/**
 * A token's verdict is cached this long at most: the window in which a token whose users-service record
 * changed by a path other than the gateway's revocation and user deletion could still be accepted, and
 * the longest a token keeps working while the users service is away.
 */
const tokenVerdictTtlMs = 30_000;
/** After a revocation, no verdict is stored for this long: longer than a users-service call may take (5 s). */
const tokenVerdictBarMs = 60_000;

export interface GatewayDeps {
  /** Sessions and login counters; a client that fails fast (see createRedisClient). */
  redis: Redis;
  events: UserEventSource;
  /** Where sign-up, login and logout leave their audit events (a file spool, relayed to JetStream). */
  audit: AuditRecorder;
  /** Defaults to the users service at USERS_URL. */
  users?: UsersApi;
}

export async function buildApp(deps: GatewayDeps, config: GatewayConfig): Promise<ServiceApp> {
  const app = createServiceApp({
    service: 'gateway',
    logLevel: config.LOG_LEVEL,
    trustRequestIdHeader: false,
    trustProxy: config.TRUST_PROXY,
    requestContext: false,
  });
  const sessionStore = new RedisSessionStore(deps.redis, {
    keyPrefix: config.REDIS_KEY_PREFIX,
    ttlSeconds: config.SESSION_TTL_SECONDS,
  });
  const sessions = new SessionCookies(sessionStore, { name: config.SESSION_COOKIE_NAME, secure: config.COOKIE_SECURE });
  const windows = new RedisSlidingWindows(deps.redis);
  const passwordWork = new PasswordWorkThrottle(windows, {
    keyPrefix: config.REDIS_KEY_PREFIX,
    maxPerAddress: config.PASSWORD_WORK_MAX_PER_ADDRESS,
    windowSeconds: config.PASSWORD_WORK_WINDOW_SECONDS,
  });
  const loginThrottle = new LoginThrottle(windows, passwordWork, {
    keyPrefix: config.REDIS_KEY_PREFIX,
    maxPerEmailAndAddress: config.LOGIN_MAX_ATTEMPTS_PER_EMAIL_AND_ADDRESS,
    maxPerEmail: config.LOGIN_MAX_ATTEMPTS_PER_EMAIL,
    maxPerAddress: config.LOGIN_MAX_ATTEMPTS_PER_ADDRESS,
    windowSeconds: config.LOGIN_THROTTLE_WINDOW_SECONDS,
  });
  const users = deps.users ?? new UsersClient(config.USERS_URL, config.INTERNAL_SIGNING_SECRET);
  const tokenVerdicts = new RedisTokenVerdicts(deps.redis, config.REDIS_KEY_PREFIX, tokenVerdictBarMs);
  const tokens = new CachedTokenVerifier(users, tokenVerdicts, { ttlMs: tokenVerdictTtlMs, countLookup: tokenCacheLookupCounter(app.metrics) });
  const callers = new Callers(sessions, tokens);

  await registerSecurityHeaders(app, ApiDocsPaths.ui);
  registerCrossOriginGuard(app, config.ALLOWED_ORIGINS);
  await app.register(cookie);
  // Without NATS only the ending of deleted users' sessions waits (the durable consumer catches up later):
  // reported, not a reason to take the gateway out of service.
  registerHealthRoutes(app, { redis: async () => (await deps.redis.ping()) === 'PONG' }, { events: () => deps.events.isConnected?.() ?? true });
  registerAuthRoutes(app, { users, callers, sessions, loginThrottle, passwordWork, audit: deps.audit });
  await registerProxyRoutes(app, {
    callers,
    sessions,
    sessionStore,
    passwordWork,
    kubeconfigFloors: new RedisKubeconfigFloors(deps.redis, config.REDIS_KEY_PREFIX),
    tokenVerdicts,
    signingSecret: config.INTERNAL_SIGNING_SECRET,
    usersUrl: config.USERS_URL,
    releasesUrl: config.RELEASES_URL,
  });
  await registerApiDocs(app, { sessionCookieName: config.SESSION_COOKIE_NAME });
  await registerConsole(app, config.CONSOLE_DIR);
  endSessionsOfDeletedUsers(deps.events, sessionStore, tokenVerdicts);
  return app;
}
