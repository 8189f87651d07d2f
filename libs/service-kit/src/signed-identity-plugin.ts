import type { Identity } from '@platform/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ForbiddenError } from './errors.js';
import { verifyIdentity } from './identity.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling, as the gateway (or a peer service) signed it; null only on public routes. */
    identity: Identity | null;
  }
}

export interface SignedIdentityOptions {
  secret: string;
  /** Paths answered without a signature (health and metrics). */
  publicPaths: readonly string[];
}

/**
 * Refuses every request that does not carry a valid signed identity: a request that reaches a service
 * directly, around the gateway, gets 403 `Forbidden`.
 */
export const signedIdentityPlugin = fp(
  async (app: FastifyInstance, options: SignedIdentityOptions) => {
    app.decorateRequest('identity', null);
    app.addHook('onRequest', async (request: FastifyRequest) => {
      const path = request.url.split('?', 1)[0] ?? '';
      if (options.publicPaths.includes(path)) return;
      const identity = verifyIdentity(options.secret, request.headers, { method: request.method, url: request.url });
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

/** Throws 403 unless a peer service signed the request. */
export function requireService(request: FastifyRequest): void {
  if (request.identity?.kind !== 'service') throw new ForbiddenError('not a service');
}
