import { ChartVersionsQuery, ChartViewQuery } from '@platform/contracts';
import { requireUser, type ServiceApp } from '@platform/service-kit';
import type { ChartSourceOptions } from '../charts/chart-source.js';
import { listChartVersions, queriedChart, showChart } from '../charts/chart-views.js';
import { resolveChartReference } from '../charts/named-repositories.js';
import type { UserRepositorySource } from '../users/repository-source.js';

/** What a client shows before an install: a chart's versions, and one version's values, README and schema. */
export function registerChartRoutes(app: ServiceApp, charts: ChartSourceOptions, repositories: UserRepositorySource): void {
  app.get('/api/charts/versions', { schema: { querystring: ChartVersionsQuery } }, async (request) => {
    const { reference, credentials } = await resolveChartReference(queriedChart(request.query), requireUser(request), repositories);
    return listChartVersions(reference, { ...charts, credentials });
  });

  app.get('/api/charts/show', { schema: { querystring: ChartViewQuery } }, async (request) => {
    const { reference, credentials } = await resolveChartReference(queriedChart(request.query), requireUser(request), repositories);
    return showChart(reference, request.query.version, { ...charts, credentials });
  });
}
