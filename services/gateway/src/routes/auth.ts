import type { AuditRecorder } from '@platform/audit';
import { CreateUserBody, ErrorCode, ErrorMessage, LoginBody, idOnlyUser } from '@platform/contracts';
import type { ServiceApp } from '@platform/service-kit';
import type { UsersApi, UsersReply } from '../clients/users-client.js';
import { loginOutcomeCounter } from '../metrics.js';
import type { LoginThrottle } from '../domain/login-throttle.js';
import type { PasswordWorkThrottle } from '../domain/password-work-throttle.js';
import type { Callers } from '../sessions/callers.js';
import type { SessionCookies } from '../sessions/session-cookies.js';
import { authAuditEvents } from './auth-audit.js';
import { replyThrottled } from './throttled.js';

export interface AuthRouteDeps {
  users: UsersApi;
  callers: Callers;
  sessions: SessionCookies;
  loginThrottle: LoginThrottle;
  passwordWork: PasswordWorkThrottle;
  audit: AuditRecorder;
}

/** Creating a user, login and logout: the routes the gateway answers itself, because they own the session. */
export function registerAuthRoutes(app: ServiceApp, { users, callers, sessions, loginThrottle, passwordWork, audit }: AuthRouteDeps): void {
  const events = authAuditEvents(audit);
  app.post('/api/users', { schema: { body: CreateUserBody } }, async (request, reply) => {
    const verdict = await passwordWork.take(request.ip);
    if (!verdict.allowed) return replyThrottled(reply, verdict.retryAfterSeconds, ErrorMessage.tooManyPasswordRequests);
    const created = await users.createUser(request.body, request.id);
    if (!created.ok) return reply.code(created.status).send(created.body);
    // Creating a user logs them in, as the original did.
    const credential = await sessions.start(request, reply, created.userId);
    await events.signedUp(request, created.userId, credential, request.body.email);
    return reply.code(201).send(idOnlyUser(created.userId));
  });

  const countLogin = loginOutcomeCounter(app.metrics);
  const onResponse = async (_request: unknown, reply: { statusCode: number }) => countLogin(reply.statusCode);
  app.post('/api/login', { schema: { body: LoginBody }, onResponse }, async (request, reply) => {
    const admission = await loginThrottle.admit({ email: request.body.email, address: request.ip });
    if (!admission.allowed) {
      await events.loginRefused(request, request.body.email, 429, { code: ErrorCode.TooManyRequests, errors: [ErrorMessage.tooManyLoginAttempts] });
      return replyThrottled(reply, admission.retryAfterSeconds, ErrorMessage.tooManyLoginAttempts);
    }
    let verified: UsersReply;
    try {
      verified = await users.verifyCredentials(request.body, request.id);
    } catch (error) {
      await admission.undecided().catch(() => undefined);
      throw error;
    }
    if (!verified.ok) {
      // A wrong password or unknown email (401) keeps its place in the windows; anything else decided nothing.
      if (verified.status !== 401) await admission.undecided();
      else await events.loginRefused(request, request.body.email, verified.status, verified.body);
      return reply.code(verified.status).send(verified.body);
    }
    await admission.succeeded();
    const credential = await sessions.start(request, reply, verified.userId);
    await events.loggedIn(request, verified.userId, credential, request.body.email);
    return reply.code(200).send(idOnlyUser(verified.userId));
  });

  // An API token is refused (403/612 `session`): only a session logs out, and revoking is how a token ends.
  app.post('/api/logout', async (request, reply) => {
    const caller = await callers.authorize(request);
    if (caller.via === 'session') {
      await sessions.end(caller.session, reply);
      await events.loggedOut(request, caller.session.userId, caller.session.credential);
    }
    return reply.code(200).send();
  });
}
