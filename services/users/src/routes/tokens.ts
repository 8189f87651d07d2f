import { auditOriginOf, type AuditRecorder } from '@platform/audit';
import { ApiTokenList, ApiTokenParams, AuditEventType, CreateApiTokenBody, CreatedApiToken } from '@platform/contracts';
import { refuseApiToken, requireUser, type ServiceApp } from '@platform/service-kit';
import type { FastifyRequest } from 'fastify';
import type { ApiTokens } from '../domain/api-tokens.js';

/** Making and revoking tokens needs a session: a token never makes another or revokes one (see ApiTokenScope). */
async function sessionOnly(request: FastifyRequest): Promise<void> {
  requireUser(request);
  refuseApiToken(request);
}

/** `/api/tokens`: the calling user's own tokens. */
export function apiTokenRoutes(app: ServiceApp, tokens: ApiTokens, audit: AuditRecorder): void {
  app.post('/api/tokens', { schema: { body: CreateApiTokenBody, response: { 201: CreatedApiToken } }, preValidation: sessionOnly }, async (request, reply) => {
    const created = await tokens.create(requireUser(request), request.body);
    // The token's id and name, never its secret.
    const data = { ...auditOriginOf(request), outcome: 'success' as const, details: { name: created.name } };
    await audit.record({ type: AuditEventType.tokenCreated, subject: `tokens/${created.id}`, data });
    return reply.code(201).send(created);
  });

  app.get('/api/tokens', { schema: { response: { 200: ApiTokenList } } }, async (request) => tokens.list(requireUser(request)));

  app.delete('/api/tokens/:id', { schema: { params: ApiTokenParams }, preValidation: sessionOnly }, async (request, reply) => {
    await tokens.revoke(requireUser(request), request.params.id);
    await audit.record({ type: AuditEventType.tokenRevoked, subject: `tokens/${request.params.id}`, data: { ...auditOriginOf(request), outcome: 'success' } });
    return reply.code(204).send();
  });
}
