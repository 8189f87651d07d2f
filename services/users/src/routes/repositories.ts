import { AddRepositoryBody, ChartRepository, ChartRepositoryList, RepositoryParams } from '@platform/contracts';
import { auditOriginOf } from '@platform/audit';
import { requireUser, type ServiceApp } from '@platform/service-kit';
import type { ChartRepositoryService } from '../domain/chart-repositories.js';

/** `/api/repositories`: the signed-in user's own chart repositories (the user is the identity, never a path id). */
export function repositoryRoutes(app: ServiceApp, repositories: ChartRepositoryService): void {
  app.get('/api/repositories', { schema: { response: { 200: ChartRepositoryList } } }, async (request) => repositories.list(requireUser(request)));

  app.post('/api/repositories', { schema: { body: AddRepositoryBody, response: { 201: ChartRepository } } }, async (request, reply) =>
    reply.code(201).send(await repositories.add(requireUser(request), request.body, auditOriginOf(request))),
  );

  app.delete('/api/repositories/:name', { schema: { params: RepositoryParams } }, async (request, reply) => {
    await repositories.remove(requireUser(request), request.params.name, auditOriginOf(request));
    return reply.code(204).send();
  });
}
