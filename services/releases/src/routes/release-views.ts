import { DiffQuery, ReleaseParams, ReleaseQuery, RevisionValuesQuery, RevisionViewParams } from '@platform/contracts';
import { requireUser, type ServiceApp } from '@platform/service-kit';
import { diffRevisions } from '../helm/actions/diff.js';
import { revisionManifest, revisionNotes, revisionValues } from '../helm/actions/revision-views.js';
import type { ReleaseAccess } from '../release-access.js';

/** Read-only views of a release's revisions: diffs between revisions, and a revision's manifest, values, notes. */
export function registerReleaseViewRoutes(app: ServiceApp, access: ReleaseAccess): void {
  app.get('/api/releases/:name/diff', { schema: { params: ReleaseParams, querystring: DiffQuery } }, async (request) => {
    const { store, namespace } = await access.releaseStore(requireUser(request), request.query, request.params.name);
    return diffRevisions(store, namespace, request.params.name, request.query.from, request.query.to);
  });

  app.get('/api/releases/:name/:revision/manifest', { schema: { params: RevisionViewParams, querystring: ReleaseQuery } }, async (request) => {
    const { store, namespace } = await access.releaseStore(requireUser(request), request.query, request.params.name);
    return revisionManifest(store, namespace, request.params.name, request.params.revision);
  });

  app.get('/api/releases/:name/:revision/values', { schema: { params: RevisionViewParams, querystring: RevisionValuesQuery } }, async (request) => {
    const { store, namespace } = await access.releaseStore(requireUser(request), request.query, request.params.name);
    return revisionValues(store, namespace, request.params.name, request.params.revision, request.query.all ?? false);
  });

  app.get('/api/releases/:name/:revision/notes', { schema: { params: RevisionViewParams, querystring: ReleaseQuery } }, async (request) => {
    const { store, namespace } = await access.releaseStore(requireUser(request), request.query, request.params.name);
    return revisionNotes(store, namespace, request.params.name, request.params.revision);
  });
}
