import { ChartVersionsQuery, ChartViewQuery } from '@platform/contracts';
import { requireUser, type ServiceApp } from '@platform/service-kit';
import type { ChartSourceOptions } from '../charts/chart-source.js';
import { listChartVersions, showChart } from '../charts/chart-views.js';

/** What a client shows before an install: a chart's versions, and one version's values, README and schema. */
export function registerChartRoutes(app: ServiceApp, charts: ChartSourceOptions): void {
  app.get('/api/charts/versions', { schema: { querystring: ChartVersionsQuery } }, async (request) => {
    requireUser(request);
    return listChartVersions(request.query, charts);
  });

  app.get('/api/charts/show', { schema: { querystring: ChartViewQuery } }, async (request) => {
    requireUser(request);
    return showChart(request.query, charts);
  });
}
