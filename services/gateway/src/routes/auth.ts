import { CreateUserBody, ErrorCode, ErrorMessage, LoginBody, idOnlyUser } from '@platform/contracts';
import type { ServiceApp } from '@platform/service-kit';
import type { UsersApi } from '../clients/users-client.js';
import { loginOutcomeCounter } from '../domain/login-outcomes.js';
import type { LoginThrottle } from '../domain/login-throttle.js';
import type { SessionCookies } from '../sessions/session-cookies.js';

export interface AuthRouteDeps {
  users: UsersApi;
  sessions: SessionCookies;
  loginThrottle: LoginThrottle;
}

/** Creating a user, login and logout: the routes the gateway answers itself, because they own the session. */
export function registerAuthRoutes(app: ServiceApp, { users, sessions, loginThrottle }: AuthRouteDeps): void {
  app.post('/api/users', { schema: { body: CreateUserBody } }, async (request, reply) => {
    const created = await users.createUser(request.body, request.id);
    if (!created.ok) return reply.code(created.status).send(created.body);
    // Creating a user logs them in, as the original did.
    await sessions.start(request, reply, created.userId);
    return reply.code(201).send(idOnlyUser(created.userId));
  });

  const countLogin = loginOutcomeCounter(app.metrics);
  const onResponse = async (_request: unknown, reply: { statusCode: number }) => countLogin(reply.statusCode);
  app.post('/api/login', { schema: { body: LoginBody }, onResponse }, async (request, reply) => {
    const attempt = { email: request.body.email, address: request.ip };
    const verdict = await loginThrottle.check(attempt);
    if (!verdict.allowed) {
      return reply
        .code(429)
        .header('retry-after', String(verdict.retryAfterSeconds))
        .send({ code: ErrorCode.TooManyRequests, errors: [ErrorMessage.tooManyLoginAttempts] });
    }
    const verified = await users.verifyCredentials(request.body, request.id);
    if (!verified.ok) {
      if (verified.status === 401) await loginThrottle.recordFailure(attempt);
      return reply.code(verified.status).send(verified.body);
    }
    await loginThrottle.recordSuccess(attempt);
    await sessions.start(request, reply, verified.userId);
    return reply.code(200).send(idOnlyUser(verified.userId));
  });

  app.post('/api/logout', async (request, reply) => {
    const session = await sessions.require(request);
    await sessions.end(session, reply);
    return reply.code(200).send();
  });
}
