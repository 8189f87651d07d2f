import httpProxy from '@fastify/http-proxy';
import {
  ApiTokenId,
  AuditHeader,
  ErrorCode,
  ErrorMessage,
  IdentityHeader,
  KubeconfigVersionHeader,
  parseKubeconfigVersionHeader,
  type ServiceName,
} from '@platform/contracts';
import { AppError, ForbiddenError, serviceCallHeaders, type ServiceApp, type SignedRequest } from '@platform/service-kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import type { RedisKubeconfigFloors } from '../adapters/redis-kubeconfig-floors.js';
import type { RedisTokenVerdicts } from '../adapters/redis-token-verdicts.js';
import type { Readable } from 'node:stream';
import { authorizeUsersPath, hasDotSegment } from '../domain/authorization.js';
import type { PasswordWorkThrottle } from '../domain/password-work-throttle.js';
import type { Caller, Callers } from '../sessions/callers.js';
import type { SessionCookies } from '../sessions/session-cookies.js';
import type { SessionStore } from '../sessions/session-store.js';
import { replyThrottled } from './throttled.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The user a proxied request is made for, and the credential they presented; set before proxying. */
    caller: Caller | null;
    /** For the releases service: the kubeconfig version below which it must not answer (read-your-writes). */
    kubeconfigFloor: number | null;
    /** The kubeconfig version the users service said it stored, taken off its answer to a PUT. */
    storedKubeconfigVersion: number | null;
  }
}

export interface ProxyRouteDeps {
  callers: Callers;
  sessions: SessionCookies;
  sessionStore: SessionStore;
  /** Deleting an account checks its password with bcrypt. */
  passwordWork: PasswordWorkThrottle;
  kubeconfigFloors: Pick<RedisKubeconfigFloors, 'of' | 'raise' | 'forget'>;
  /** The shared token verdict cache, emptied of what a revocation or a deletion ended. */
  tokenVerdicts: Pick<RedisTokenVerdicts, 'forgetToken' | 'forgetUser'>;
  signingSecret: string;
  usersUrl: string;
  releasesUrl: string;
}

interface Upstream {
  service: ServiceName;
  url: string;
  /** Proxied as is: the service sees the same path and query the client sent. */
  prefix: string;
  routes: string[];
  /** `/api/users/{id}`: a user may only touch their own id. */
  ownUserIdOnly: boolean;
  /** Only these methods (default: all). */
  methods?: Array<'GET'>;
  /** The service's path for the logged-in user, instead of the client's path. */
  pathFor?: (userId: number) => string;
}

const identityHeaderPrefix = 'x-platform-';
/** Credentials, and the request id the gateway chooses itself. */
const keptAtGateway = new Set(['cookie', 'authorization', IdentityHeader.requestId]);

/**
 * `/api/users/*`, `/api/tokens*`, `/api/repositories*`, `/api/audit` and `/api/releases/{name}/audit` go to the users service,
 * `/api/releases*`, `/api/k8s/*`, `/api/charts/*` and `GET /api/repositories/search` to the releases service,
 * for logged-in users (or API tokens within their scope) only, with the user's identity signed for the service. `GET /api/auth/check` is the
 * logged-in user's own `GET /api/users/{id}` (the original server's session check). `POST /api/users` is
 * answered by the gateway itself (routes/auth.ts); `/internal/*` is never proxied.
 */
export async function registerProxyRoutes(app: ServiceApp, deps: ProxyRouteDeps): Promise<void> {
  app.decorateRequest('caller', null);
  app.decorateRequest('kubeconfigFloor', null);
  app.decorateRequest('storedKubeconfigVersion', null);
  // An install may upload its chart as multipart/form-data: kept as bytes (within the body limit, as JSON is)
  // and parsed by the releases service.
  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  const upstreams: Upstream[] = [
    { service: 'users', url: deps.usersUrl, prefix: '/api/users', routes: ['/*'], ownUserIdOnly: true },
    { service: 'users', url: deps.usersUrl, prefix: '/api/tokens', routes: ['/', '/*'], ownUserIdOnly: false },
    { service: 'releases', url: deps.releasesUrl, prefix: '/api/releases', routes: ['/', '/*'], ownUserIdOnly: false },
    { service: 'releases', url: deps.releasesUrl, prefix: '/api/k8s', routes: ['/*'], ownUserIdOnly: false },
    { service: 'releases', url: deps.releasesUrl, prefix: '/api/charts', routes: ['/*'], ownUserIdOnly: false },
    { service: 'users', url: deps.usersUrl, prefix: '/api/repositories', routes: ['/', '/*'], ownUserIdOnly: false },
    // The search downloads indexes, which the releases service does under its address policy; the router
    // prefers this static path to the users service's wildcard above.
    { service: 'releases', url: deps.releasesUrl, prefix: '/api/repositories/search', routes: [''], ownUserIdOnly: false, methods: ['GET'] },
    {
      service: 'users',
      url: deps.usersUrl,
      prefix: '/api/auth/check',
      // The prefix itself only, not also `/api/auth/check/`.
      routes: [''],
      ownUserIdOnly: false,
      methods: ['GET'],
      pathFor: (userId) => `/api/users/${userId}`,
    },
    // The audit store lives with the users service (its database); a release's events are read there too.
    { service: 'users', url: deps.usersUrl, prefix: '/api/audit', routes: [''], ownUserIdOnly: false, methods: ['GET'] },
    { service: 'users', url: deps.usersUrl, prefix: '/api/releases', routes: ['/:name/audit'], ownUserIdOnly: false, methods: ['GET'] },
  ];
  for (const upstream of upstreams) {
    await app.register(httpProxy, {
      upstream: upstream.url,
      prefix: upstream.prefix,
      rewritePrefix: upstream.prefix,
      routes: upstream.routes,
      ...(upstream.methods ? { httpMethods: upstream.methods } : {}),
      // Bodies are parsed here, so the gateway's body limit and JSON rules hold before anything reaches a
      // service (a streamed body would pass any size, and a service refusing it mid-stream looks like an outage).
      proxyPayloads: false,
      // The gateway already logs each request once; reply-from would add two lines more.
      disableRequestLogging: true,
      preHandler: async (request: FastifyRequest, reply: FastifyReply) => {
        await authorize(request, upstream, deps.callers);
        if (upstream.service === 'releases' && request.caller) request.kubeconfigFloor = await deps.kubeconfigFloors.of(request.caller.userId);
        if (upstream.ownUserIdOnly && request.method === 'DELETE' && isUserItself(request.url, upstream)) {
          const verdict = await deps.passwordWork.take(request.ip);
          if (!verdict.allowed) return replyThrottled(reply, verdict.retryAfterSeconds, ErrorMessage.tooManyPasswordRequests);
        }
      },
      handler: (request, reply, clientDest, options) => {
        const dest = upstream.pathFor && request.caller !== null ? upstream.pathFor(request.caller.userId) : clientDest;
        return reply.from(dest, {
          ...options,
          // reply-from would retry a GET that got 503 up to ten times: a service's 503 names an outage (its
          // database, or a service behind it) that milliseconds will not cure, and the client is owed a fast answer.
          retryDelay: () => null,
          rewriteRequestHeaders: (_request, headers) =>
            withSignedIdentity(headers, request, deps.signingSecret, {
              audience: upstream.service,
              method: request.method,
              url: signedUrl(dest, upstream.url, request.url),
            }),
          rewriteHeaders: (headers) => takeStoredKubeconfigVersion(headers, request),
          onResponse: (_request, _reply, response) => void afterResponse(request, reply, response, upstream, deps),
          onError: (_reply, { error }) => {
            request.log.warn({ err: error, upstream: upstream.url }, 'upstream service failed');
            void reply
              .code(503)
              .type('application/json; charset=utf-8')
              .send({ code: ErrorCode.Unavailable, errors: [ErrorMessage.serviceUnavailable] });
          },
        });
      },
    });
  }
}

async function authorize(request: FastifyRequest, upstream: Upstream, callers: Callers): Promise<void> {
  const path = request.url.split('?', 1)[0] ?? '';
  if (hasDotSegment(path)) throw AppError.badRequest();
  const caller = await callers.authorize(request);
  if (upstream.ownUserIdOnly) {
    const decision = authorizeUsersPath(path.slice(upstream.prefix.length + 1), caller.userId);
    if (decision === 'bad-id') throw AppError.badRequest();
    if (decision === 'forbidden') throw new ForbiddenError('another user');
  }
  request.caller = caller;
}

/** The path and query exactly as the service will receive them (reply-from resolves `dest` against the upstream). */
function signedUrl(dest: string, upstreamUrl: string, requestUrl: string): string {
  const queryStart = requestUrl.indexOf('?');
  return new URL(dest, upstreamUrl).pathname + (queryStart > 0 ? requestUrl.slice(queryStart) : '');
}

/**
 * Identity headers a client sent are dropped, whatever they say; the service trusts only the ones signed
 * here, for it alone, naming the user and the credential they used. The session cookie and any
 * `Authorization` header (an API token) stay at the gateway.
 */
function withSignedIdentity(headers: IncomingHttpHeaders, request: FastifyRequest, secret: string, signed: SignedRequest): IncomingHttpHeaders {
  const forwarded: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith(identityHeaderPrefix) && !keptAtGateway.has(name)) forwarded[name] = value;
  }
  // A form is passed on as the bytes it came in; reply-from keeps only its media type, and the service needs
  // the boundary parameter to read it.
  if (Buffer.isBuffer(request.body) && typeof request.headers['content-type'] === 'string') forwarded['content-type'] = request.headers['content-type'];
  const caller = request.caller;
  if (caller === null) throw new ForbiddenError('proxying without a session');
  if (request.kubeconfigFloor !== null) forwarded[KubeconfigVersionHeader.minimum] = String(request.kubeconfigFloor);
  // For audit events: the address as the gateway judged it (TRUST_PROXY), which services cannot see.
  forwarded[AuditHeader.clientAddress] = request.ip;
  return { ...forwarded, ...serviceCallHeaders(secret, { kind: 'user', userId: caller.userId, credential: caller.credential }, signed, request.id) };
}

/** The users service's word on the stored kubeconfig version is for the gateway, not the client. */
function takeStoredKubeconfigVersion(headers: IncomingHttpHeaders, request: FastifyRequest): IncomingHttpHeaders {
  const stored = headers[KubeconfigVersionHeader.stored];
  if (stored === undefined) return headers;
  request.storedKubeconfigVersion = parseKubeconfigVersionHeader(stored) ?? null;
  const { [KubeconfigVersionHeader.stored]: _taken, ...rest } = headers;
  return rest;
}

/** `/api/users/{id}` itself, not a path below it. */
function isUserItself(url: string, upstream: Upstream): boolean {
  const path = url.split('?', 1)[0] ?? '';
  return !path.slice(upstream.prefix.length + 1).includes('/');
}

/** The id of the token a `DELETE /api/tokens/{id}` revoked (or found already gone), else null. */
function revokedToken(request: FastifyRequest, status: number, upstream: Upstream): string | null {
  const revoked = (status >= 200 && status < 300) || status === 404;
  if (upstream.prefix !== '/api/tokens' || request.method !== 'DELETE' || !revoked) return null;
  const id = (request.url.split('?', 1)[0] ?? '').slice(upstream.prefix.length + 1);
  return ApiTokenId.safeParse(id).success ? id : null;
}

interface UpstreamResponse {
  statusCode: number;
  stream: Readable;
}

/**
 * A user who deleted themselves is logged out at once, everywhere; the `user.deleted` event does the same
 * later for deletions that did not pass through this gateway (both also drop the user's cached token verdicts).
 * A kubeconfig write raises the user's floor before the client hears 204, so every later release request of
 * the user, through any gateway, carries it; a token revocation (204, or 404: perhaps a retry of one whose
 * verdict could not be dropped) drops the token's cached verdict before the client hears it, so no gateway
 * accepts it from the next request on. If Redis cannot be written the client gets 503 and retries (the PUT
 * and the DELETE are idempotent).
 */
async function afterResponse(
  request: FastifyRequest,
  reply: FastifyReply,
  response: UpstreamResponse,
  upstream: Upstream,
  deps: ProxyRouteDeps,
): Promise<void> {
  const deletedSelf = upstream.ownUserIdOnly && request.method === 'DELETE' && response.statusCode === 204 && isUserItself(request.url, upstream);
  const revokedTokenId = revokedToken(request, response.statusCode, upstream);
  try {
    if (request.storedKubeconfigVersion !== null && request.caller !== null && response.statusCode < 300) {
      await deps.kubeconfigFloors.raise(request.caller.userId, request.storedKubeconfigVersion);
    }
    if (revokedTokenId !== null) await deps.tokenVerdicts.forgetToken(revokedTokenId);
  } catch (error) {
    // Drained, not destroyed: the answer is read to its end and the connection to the service stays usable.
    response.stream.resume();
    reply.removeHeader('content-length');
    return void reply.send(error);
  }
  if (deletedSelf && request.caller !== null) {
    try {
      await deps.tokenVerdicts.forgetUser(request.caller.userId);
      await deps.kubeconfigFloors.forget(request.caller.userId);
      await deps.sessionStore.deleteAllOfUser(request.caller.userId);
      deps.sessions.clear(reply);
    } catch (error) {
      request.log.warn({ err: error }, "could not end the deleted user's sessions; the user.deleted event will");
    }
  }
  return void reply.send(response.stream);
}
