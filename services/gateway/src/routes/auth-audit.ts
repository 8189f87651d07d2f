import { auditActor, gatewayAuditOrigin, type AuditRecorder } from '@platform/audit';
import { AuditEventType, auditUserSubject, type Credential, type ErrorBody } from '@platform/contracts';
import type { FastifyRequest } from 'fastify';

/**
 * The audit events of the operations the gateway answers itself. A refused login is an event too (the
 * security signal); its actor is unknown (null) since a refusal does not say whether the email exists.
 */
export function authAuditEvents(audit: AuditRecorder) {
  const success = (request: FastifyRequest, userId: number, credential: Credential) => ({
    ...gatewayAuditOrigin(request, auditActor(userId, credential)),
    outcome: 'success' as const,
  });
  return {
    signedUp: (request: FastifyRequest, userId: number, credential: Credential, email: string) =>
      audit.record({ type: AuditEventType.signedUp, subject: auditUserSubject(userId), data: { ...success(request, userId, credential), details: { email } } }),
    loggedIn: (request: FastifyRequest, userId: number, credential: Credential, email: string) =>
      audit.record({ type: AuditEventType.loggedIn, subject: auditUserSubject(userId), data: { ...success(request, userId, credential), details: { email } } }),
    loginRefused: (request: FastifyRequest, email: string, status: number, body: ErrorBody) =>
      audit.record({
        type: AuditEventType.loggedIn,
        subject: 'sessions',
        data: {
          ...gatewayAuditOrigin(request, { userId: null }),
          outcome: 'failure',
          error: { status, code: body.code, message: (body.errors[0] ?? '').slice(0, 500) },
          details: { email },
        },
      }),
    loggedOut: (request: FastifyRequest, userId: number, credential: Credential) =>
      audit.record({ type: AuditEventType.loggedOut, subject: auditUserSubject(userId), data: success(request, userId, credential) }),
  };
}
