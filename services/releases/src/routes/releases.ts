import { AuditEventType, ListReleasesQuery, ReleaseParams, ReleaseQuery, RevisionParams, RollbackBody, UpgradeBody } from '@platform/contracts';
import { requireUser, type ServiceApp } from '@platform/service-kit';
import type { HelmRelease } from '../helm/codec.js';
import { getRelease } from '../helm/actions/get.js';
import { releaseHistory } from '../helm/actions/history.js';
import { listReleases, releasesJson, type ListPhases } from '../helm/actions/list.js';
import { planRollback, planUpgrade } from '../helm/actions/plan.js';
import { withHealth } from '../helm/actions/resources.js';
import { rollbackRelease } from '../helm/actions/rollback.js';
import { upgradeRelease } from '../helm/actions/upgrade.js';
import type { ReleaseAccess } from '../release-access.js';
import { PhaseTimings } from '../phase-timings.js';
import type { ReleaseAudit } from '../release-audit.js';

/** Release JSON goes out as Helm stored it: no response schema, so no field is dropped or reshaped. */
export function registerReleaseRoutes(app: ServiceApp, access: ReleaseAccess, audit: ReleaseAudit): void {
  app.get('/api/releases', { schema: { querystring: ListReleasesQuery } }, async (request, reply) => {
    const started = performance.now();
    const { store, client } = await access.storeFor(requireUser(request), request.query);
    const phases: ListPhases = { access: performance.now() - started, entries: 0, bodies: 0, join: 0 };
    const page = await listReleases(store, request.query, phases);
    if (request.query.health)
      return withHealth(
        client.api,
        page.map((body) => JSON.parse(body.bytes.toString('utf8')) as HelmRelease),
      );
    const json = releasesJson(page, phases);
    // Where the time went (the bench reads it): the fixed cost per request, the metadata list, bodies, output.
    const timing = Object.entries(phases).map(([phase, ms]: [string, number]) => `${phase};dur=${ms.toFixed(2)}`);
    return reply.header('server-timing', timing.join(', ')).type('application/json; charset=utf-8').send(json);
  });

  app.get('/api/releases/:name/history', { schema: { params: ReleaseParams, querystring: ReleaseQuery } }, async (request) => {
    const { store } = await access.storeFor(requireUser(request), request.query);
    return releaseHistory(store, request.query.namespace, request.params.name);
  });

  app.get('/api/releases/:name/:revision', { schema: { params: RevisionParams, querystring: ReleaseQuery } }, async (request) => {
    const { store } = await access.storeFor(requireUser(request), request.query);
    return getRelease(store, request.query.namespace, request.params.name, request.params.revision);
  });

  app.post('/api/releases/:name/rollback', { schema: { params: ReleaseParams, body: RollbackBody } }, async (request, reply) => {
    const { revision, dryRun, planToken, ...target } = request.body;
    const userId = requireUser(request);
    if (dryRun) return access.plan(userId, target, request.params.name, (context) => planRollback(context, revision));
    await audit.around(request, { type: AuditEventType.releaseRolledBack, target, name: request.params.name }, () =>
      access.operate(userId, target, request.params.name, (context) => rollbackRelease(context, revision, planToken)),
    );
    return reply.code(200).send();
  });

  app.post('/api/releases/:name/upgrade', { schema: { params: ReleaseParams, body: UpgradeBody } }, async (request, reply) => {
    const { values, dryRun, planToken, ...target } = request.body;
    const userId = requireUser(request);
    if (dryRun) return access.plan(userId, target, request.params.name, (context) => planUpgrade(context, values));
    const timings = new PhaseTimings();
    const upgraded = { type: AuditEventType.releaseUpgraded, target, name: request.params.name, valuesText: values, reportsRevisions: true };
    await audit.around(
      request,
      upgraded,
      (revisions) => access.operate(userId, target, request.params.name, (context) => upgradeRelease(context, values, planToken), { timings, revisions }),
      timings,
    );
    // Where the upgrade's time went (storage reads, the helm run, the audit), for operators and the benchmark.
    return reply.code(200).header('server-timing', timings.header()).send();
  });
}
