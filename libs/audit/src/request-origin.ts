import { AuditHeader, type AuditActor, type AuditEventData, type Credential } from '@platform/contracts';
import type { FastifyRequest } from 'fastify';
// The signed identity on FastifyRequest is declared by service-kit's plugin.
import '@platform/service-kit';

/** Who asked, from where, under which request id: the part of every audit event a request decides. */
export type AuditOrigin = Pick<AuditEventData, 'actor' | 'clientAddress' | 'requestId'>;

/**
 * The origin of a request a service received from the gateway: the signed identity's user and credential,
 * and the client address the gateway put next to it. Only user identities act on their own behalf.
 */
export function auditOriginOf(request: FastifyRequest): AuditOrigin {
  const identity = request.identity;
  const actor = identity?.kind === 'user' ? auditActor(identity.userId, identity.credential) : { userId: null };
  const address = request.headers[AuditHeader.clientAddress];
  return { actor, clientAddress: typeof address === 'string' ? address.slice(0, 64) : null, requestId: request.id };
}

/** The actor of a user and the credential they presented: a session's hash or a token's id, never the secret itself. */
export function auditActor(userId: number, credential: Credential | undefined): AuditActor {
  if (credential?.kind === 'session') return { userId, sessionId: credential.id };
  if (credential?.kind === 'token') return { userId, tokenId: credential.id };
  return { userId };
}

/** The origin of a request the gateway answers itself: its own view of the client. */
export function gatewayAuditOrigin(request: FastifyRequest, actor: AuditActor): AuditOrigin {
  return { actor, clientAddress: request.ip, requestId: request.id };
}
