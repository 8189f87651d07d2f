import { AuditEventType, InstallBody, ReleaseParams, UninstallQuery } from '@platform/contracts';
import { requireUser, type ServiceApp } from '@platform/service-kit';
import { loadChart, type ChartSourceOptions } from '../charts/chart-source.js';
import { resolveChartReference } from '../charts/named-repositories.js';
import { installRelease } from '../helm/actions/install.js';
import { planInstall } from '../helm/actions/install-plan.js';
import { uninstallRelease } from '../helm/actions/uninstall.js';
import type { ReleaseAccess } from '../release-access.js';
import type { ReleaseAudit } from '../release-audit.js';
import type { UserRepositorySource } from '../users/repository-source.js';
import { installBodyFromForm } from './install-form.js';

/** Install (201 with Helm's release JSON, or 200 with the plan for a dry run) and uninstall (200, empty body). */
export function registerReleaseLifecycleRoutes(
  app: ServiceApp,
  access: ReleaseAccess,
  charts: ChartSourceOptions,
  repositories: UserRepositorySource,
  audit: ReleaseAudit,
): void {
  app.post('/api/releases', { schema: { body: InstallBody }, preValidation: installBodyFromForm }, async (request, reply) => {
    const { name, chart, version, values, createNamespace, dryRun, planToken, ...target } = request.body;
    const userId = requireUser(request);
    // The user's context is checked before anything is downloaded for them.
    await access.storeFor(userId, target);
    const { reference, credentials } = await resolveChartReference(chart, userId, repositories);
    const input = { chart: await loadChart(reference, version, { ...charts, credentials }), valuesText: values, createNamespace: createNamespace ?? false };
    // A dry run changes nothing: no audit event.
    if (dryRun) return access.plan(userId, target, name, (context) => planInstall(context, input), { create: true });
    const release = await audit.around(request, { type: AuditEventType.releaseInstalled, target, name, valuesText: values }, () =>
      access.operate(userId, target, name, (context) => installRelease(context, input, planToken), { create: true }),
    );
    return reply.code(201).send(release);
  });

  app.delete('/api/releases/:name', { schema: { params: ReleaseParams, querystring: UninstallQuery } }, async (request, reply) => {
    const { keepHistory, ...target } = request.query;
    await audit.around(request, { type: AuditEventType.releaseUninstalled, target, name: request.params.name }, () =>
      access.operate(requireUser(request), target, request.params.name, (context) => uninstallRelease(context, keepHistory ?? false)),
    );
    return reply.code(200).send();
  });
}
