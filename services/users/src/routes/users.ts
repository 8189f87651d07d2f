import { DeleteUserBody, KubeconfigVersionHeader, KubeContextList, NumericId, UpdateUserBody, User, UserIdParams, z } from '@platform/contracts';
import { auditOriginOf } from '@platform/audit';
import { refuseApiToken, requireUser, type ServiceApp } from '@platform/service-kit';
import type { FastifyRequest } from 'fastify';
import type { UserService } from '../domain/user-service.js';

/**
 * `/api/users/{id}`: a user reaches only their own id. Checked before the body is validated, so another
 * user's id is 403 whatever the body; a malformed id is left to validation (400/600, as documented).
 */
async function ownUserOnly(request: FastifyRequest): Promise<void> {
  const id = NumericId.safeParse((request.params as { id?: unknown }).id);
  requireUser(request, id.success ? id.data : undefined);
}

/** The password and the kubeconfig (changed, or gone with the account) are a session's business, never a token's. */
async function ownUserBySession(request: FastifyRequest): Promise<void> {
  await ownUserOnly(request);
  refuseApiToken(request);
}

/** A DELETE sent without a body lacks the password: 422 "required", like a body without the field. */
const DeleteUserBodyOrNone = z.preprocess((body) => body ?? {}, DeleteUserBody);

export function userRoutes(app: ServiceApp, users: UserService): void {
  app.get('/api/users/:id', { schema: { params: UserIdParams, response: { 200: User } }, preValidation: ownUserOnly }, async (request) =>
    users.getUser(request.params.id),
  );

  app.get('/api/users/:id/contexts', { schema: { params: UserIdParams, response: { 200: KubeContextList } }, preValidation: ownUserOnly }, async (request) =>
    users.listContexts(request.params.id),
  );

  app.put('/api/users/:id', { schema: { params: UserIdParams, body: UpdateUserBody }, preValidation: ownUserBySession }, async (request, reply) => {
    const kubeconfigVersion = await users.updateUser(request.params.id, request.body, auditOriginOf(request));
    return reply.code(204).header(KubeconfigVersionHeader.stored, String(kubeconfigVersion)).send();
  });

  app.delete('/api/users/:id', { schema: { params: UserIdParams, body: DeleteUserBodyOrNone }, preValidation: ownUserBySession }, async (request, reply) => {
    await users.deleteUser(request.params.id, request.body.password, auditOriginOf(request));
    return reply.code(204).send();
  });
}
