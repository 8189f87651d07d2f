import { ReleaseParams, ReleaseQuery } from '@platform/contracts';
import { requireUser, type ServiceApp } from '@platform/service-kit';
import { releaseDrift, type DriftObserver } from '../helm/actions/drift.js';
import { releaseResources } from '../helm/actions/resources.js';
import type { ReleaseAccess } from '../release-access.js';

/** What the cluster holds of a release: each object's health, and drift from the deployed manifest. */
export function registerReleaseLiveRoutes(app: ServiceApp, access: ReleaseAccess, driftFound: DriftObserver): void {
  app.get('/api/releases/:name/resources', { schema: { params: ReleaseParams, querystring: ReleaseQuery } }, async (request) => {
    const { store, namespace, client } = await access.releaseStore(requireUser(request), request.query, request.params.name);
    return releaseResources(store, client.api, namespace, request.params.name);
  });

  app.get('/api/releases/:name/drift', { schema: { params: ReleaseParams, querystring: ReleaseQuery } }, async (request) => {
    const { store, namespace, client } = await access.releaseStore(requireUser(request), request.query, request.params.name);
    return releaseDrift(store, client.api, namespace, request.params.name, driftFound);
  });
}
