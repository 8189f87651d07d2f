import type { Identity, ServiceName } from '@platform/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, ForbiddenError } from './errors.js';
import { verifyIdentity } from './identity.js';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * Who is calling, as the gateway (or a peer service) signed it; null only on public routes. A user's
     * identity names the credential they presented (`credential`: a session's hash or an API token's id),
     * for audit records.
     */
    identity: Identity | null;
  }
}

export interface SignedIdentityOptions {
  secret: string;
  /** This service: identities signed for another one are refused. */
  audience: ServiceName;
  /** Paths answered without a signature (health and metrics). */
  publicPaths: readonly string[];
}

/**
 * Refuses every request that does not carry a valid signed identity made for this service: a request that
 * reaches a service directly, around the gateway, or with an identity signed for another service, gets 403
 * `Forbidden`.
 */
export const signedIdentityPlugin = fp(
  async (app: FastifyInstance, options: SignedIdentityOptions) => {
    app.decorateRequest('identity', null);
    app.addHook('onRequest', async (request: FastifyRequest) => {
      const path = request.url.split('?', 1)[0] ?? '';
      if (options.publicPaths.includes(path)) return;
      const identity = verifyIdentity(options.secret, request.headers, {
        audience: options.audience,
        method: request.method,
        url: request.url,
      });
      if (!identity) throw new ForbiddenError('missing or invalid signed identity');
      request.identity = identity;
    });
  },
  { name: 'signed-identity', fastify: '5.x' },
);

/** The calling user's id; throws 403 when the caller is a service or another user. */
export function requireUser(request: FastifyRequest, userId?: number): number {
  const identity = request.identity;
  if (identity?.kind !== 'user' || (userId !== undefined && identity.userId !== userId)) {
    throw new ForbiddenError('not this user');
  }
  return identity.userId;
}

/** Throws 403 unless one of the `allowed` peer services signed the request. */
export function requireService(request: FastifyRequest, ...allowed: [ServiceName, ...ServiceName[]]): void {
  const identity = request.identity;
  if (identity?.kind !== 'service' || !allowed.includes(identity.name)) throw new ForbiddenError('not an allowed service');
}

/**
 * Throws 403/612 `token lacks scope session` when the user called with an API token: for routes that only a
 * logged-in session may use (tokens, password, kubeconfig). The gateway refuses these first; this is the
 * service's own guard, should a route ever be reached another way.
 */
export function refuseApiToken(request: FastifyRequest): void {
  if (request.identity?.kind === 'user' && request.identity.credential?.kind === 'token') {
    throw AppError.tokenScopeMissing('session');
  }
}
