import { AuditPage, AuditQuery, ReleaseAuditQuery, ReleaseParams } from '@platform/contracts';
import { requireUser, type ServiceApp } from '@platform/service-kit';
import { auditPage } from '../audit/audit-pages.js';
import type { AuditStore } from '../audit/audit-store.js';

/** The caller's own audit events: the signed identity's user is the only filter a client cannot choose. */
export function auditRoutes(app: ServiceApp, store: AuditStore): void {
  app.get('/api/audit', { schema: { querystring: AuditQuery, response: { 200: AuditPage } } }, async (request) =>
    auditPage(store, requireUser(request), request.query),
  );

  app.get('/api/releases/:name/audit', { schema: { params: ReleaseParams, querystring: ReleaseAuditQuery, response: { 200: AuditPage } } }, async (request) =>
    auditPage(store, requireUser(request), { ...request.query, release: request.params.name }),
  );
}
