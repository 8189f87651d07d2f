import { ChartSearchQuery, ChartSearchResult } from '@platform/contracts';
import { requireUser, type ServiceApp } from '@platform/service-kit';
import type { ChartSourceOptions } from '../charts/chart-source.js';
import { searchCharts } from '../charts/chart-search.js';
import type { UserRepositorySource } from '../users/repository-source.js';

/** `GET /api/repositories/search`: served here, not by the users service, because it downloads indexes under the address policy. */
export function registerRepositorySearchRoute(app: ServiceApp, charts: ChartSourceOptions, repositories: UserRepositorySource): void {
  app.get('/api/repositories/search', { schema: { querystring: ChartSearchQuery, response: { 200: ChartSearchResult } } }, async (request) =>
    searchCharts(requireUser(request), request.query, repositories, charts),
  );
}
