import {
  CreateUserBody,
  InternalRoutes,
  RepositoryAccessList,
  UserIdParams,
  UserIdReply,
  UserKubeconfig,
  UserKubeconfigVersion,
  VerifiedApiToken,
  VerifyApiTokenBody,
  VerifyCredentialsBody,
  type ServiceName,
} from '@platform/contracts';
import { requireService, type ServiceApp } from '@platform/service-kit';
import type { FastifyRequest } from 'fastify';
import type { ApiTokens } from '../domain/api-tokens.js';
import type { ChartRepositoryService } from '../domain/chart-repositories.js';
import type { UserService } from '../domain/user-service.js';

/**
 * Routes for peer services only, each for the one service that needs it: sign-up, login and API token
 * checks for the gateway, kubeconfigs and chart repositories' credentials (plaintext) for the releases
 * service. Whoever else signs, user or service, gets 403.
 */
export function internalRoutes(app: ServiceApp, users: UserService, tokens: ApiTokens, repositories: ChartRepositoryService): void {
  // Refused before validation: another identity learns nothing about these routes' bodies.
  const only = (service: ServiceName) => ({ preValidation: async (request: FastifyRequest) => requireService(request, service) });
  const gatewayOnly = only('gateway');
  const releasesOnly = only('releases');

  app.post(InternalRoutes.createUser, { ...gatewayOnly, schema: { body: CreateUserBody, response: { 201: UserIdReply } } }, async (request, reply) =>
    reply.code(201).send({ id: await users.createUser(request.body) }),
  );

  app.post(InternalRoutes.verifyCredentials, { ...gatewayOnly, schema: { body: VerifyCredentialsBody, response: { 200: UserIdReply } } }, async (request) => ({
    id: await users.verifyCredentials(request.body),
  }));

  app.post(InternalRoutes.verifyApiToken, { ...gatewayOnly, schema: { body: VerifyApiTokenBody, response: { 200: VerifiedApiToken } } }, async (request) =>
    tokens.verify(request.body.token),
  );

  app.get(InternalRoutes.userKubeconfig(':id'), { ...releasesOnly, schema: { params: UserIdParams, response: { 200: UserKubeconfig } } }, async (request) =>
    users.userKubeconfig(request.params.id),
  );

  app.get(
    InternalRoutes.userKubeconfigVersion(':id'),
    { ...releasesOnly, schema: { params: UserIdParams, response: { 200: UserKubeconfigVersion } } },
    async (request) => users.kubeconfigVersion(request.params.id),
  );

  app.get(
    InternalRoutes.userRepositories(':id'),
    { ...releasesOnly, schema: { params: UserIdParams, response: { 200: RepositoryAccessList } } },
    async (request) => repositories.withCredentials(request.params.id),
  );
}
