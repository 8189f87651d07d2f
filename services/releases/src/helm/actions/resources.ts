import type { ReleaseHealth, ReleaseResource, ReleaseResources } from '@platform/contracts';
import { byObjectRef, manifestObjects, objectKey } from '../../diff/manifest-objects.js';
import { countStatuses, objectHealth, summarize, type Health } from '../../kube/health.js';
import { listCoreByNamespace, readLiveObjects, type LiveObject } from '../../kube/live-objects.js';
import type { KubeApi } from '../../kube/api.js';
import type { HelmRelease } from '../codec.js';
import type { ReleaseStore } from '../storage.js';

/**
 * The objects of the latest deployed revision with their health, read
 * with one list per kind and namespace (plus one Endpoints list per namespace with selecting Services).
 */
export async function releaseResources(store: ReleaseStore, api: KubeApi, namespace: string, name: string): Promise<ReleaseResources> {
  const release = await store.get(namespace, name, 0);
  const live = await readLiveObjects(api, manifestObjects(release.manifest ?? '', release.namespace));
  const resources = await healthOf(api, live);
  return { name: release.name, namespace: release.namespace, revision: release.version, health: summarize(resources.map((entry) => entry.status)), resources };
}

/**
 * Listed releases with their summary health: the objects of all of them are read together, so releases in
 * one namespace share one list per kind (the calls grow with kinds and namespaces, not with releases).
 */
export async function withHealth(api: KubeApi, releases: HelmRelease[]): Promise<Array<HelmRelease & { health: ReleaseHealth }>> {
  // A release whose stored manifest does not parse is Unknown; it does not fail the list.
  const objectsOf = releases.map((release) => {
    try {
      return manifestObjects(release.manifest ?? '', release.namespace);
    } catch {
      return undefined;
    }
  });
  const health = await healthOf(
    api,
    await readLiveObjects(
      api,
      objectsOf.flatMap((objects) => objects ?? []),
    ),
    false,
  );
  let next = 0;
  return releases.map((release, index) => {
    const objects = objectsOf[index];
    if (!objects) return { ...release, health: { status: 'Unknown', counts: countStatuses([]) } };
    const own = health.slice(next, (next += objects.length));
    return { ...release, health: summarize(own.map((entry) => entry.status)) };
  });
}

/** Each object's health, sorted by kind, namespace and name unless `sorted` is false (then in `live`'s order). */
async function healthOf(api: KubeApi, live: LiveObject[], sorted = true): Promise<ReleaseResource[]> {
  const serviceNamespaces = live
    .filter((entry) => entry.live && entry.ref.kind === 'Service' && entry.ref.apiVersion === 'v1')
    .map((entry) => entry.ref.namespace);
  const endpoints = serviceNamespaces.length > 0 ? await listCoreByNamespace(api, 'endpoints', serviceNamespaces) : new Map<string, Record<string, unknown>>();
  const resources = live.map((entry): ReleaseResource => {
    const health = liveHealth(entry, () => endpoints.get(objectKey({ kind: 'endpoints', namespace: entry.ref.namespace, name: entry.ref.name })));
    return { ...entry.ref, ...health };
  });
  return sorted ? resources.sort(byObjectRef) : resources;
}

function liveHealth(entry: LiveObject, endpointsOf: () => Record<string, unknown> | undefined): Health {
  if (!entry.served) return { status: 'Unknown', message: `the cluster does not serve ${entry.ref.apiVersion} ${entry.ref.kind}` };
  if (!entry.live) return entry.unreadable ? { status: 'Unknown', message: entry.unreadable } : { status: 'NotFound', message: 'not found on the cluster' };
  return objectHealth(entry.ref.kind, entry.live, entry.ref.kind === 'Service' ? endpointsOf() : undefined);
}
