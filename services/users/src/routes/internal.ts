import {
  CreateUserBody,
  InternalRoutes,
  UserIdParams,
  UserIdReply,
  UserKubeconfig,
  UserKubeconfigVersion,
  VerifyCredentialsBody,
} from '@platform/contracts';
import { requireService, type ServiceApp } from '@platform/service-kit';
import type { UserService } from '../domain/user-service.js';

/** Routes for peer services only (the gateway's sign-up and login, the releases service's kubeconfig reads). */
export function internalRoutes(app: ServiceApp, users: UserService): void {
  // Refused before validation: a user's identity learns nothing about these routes' bodies.
  const serviceOnly = { preValidation: async (request: Parameters<typeof requireService>[0]) => requireService(request) };

  app.post(
    InternalRoutes.createUser,
    { ...serviceOnly, schema: { body: CreateUserBody, response: { 201: UserIdReply } } },
    async (request, reply) => reply.code(201).send({ id: await users.createUser(request.body) }),
  );

  app.post(
    InternalRoutes.verifyCredentials,
    { ...serviceOnly, schema: { body: VerifyCredentialsBody, response: { 200: UserIdReply } } },
    async (request) => ({ id: await users.verifyCredentials(request.body) }),
  );

  app.get(
    InternalRoutes.userKubeconfig(':id'),
    { ...serviceOnly, schema: { params: UserIdParams, response: { 200: UserKubeconfig } } },
    async (request) => users.userKubeconfig(request.params.id),
  );

  app.get(
    InternalRoutes.userKubeconfigVersion(':id'),
    { ...serviceOnly, schema: { params: UserIdParams, response: { 200: UserKubeconfigVersion } } },
    async (request) => users.kubeconfigVersion(request.params.id),
  );
}
