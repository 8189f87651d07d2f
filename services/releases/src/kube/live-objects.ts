import type { ObjectRef } from '@platform/contracts';
import { AppError } from '@platform/service-kit';
import { isRecord } from '../diff/field-paths.js';
import { objectKey, type ManifestObject } from '../diff/manifest-objects.js';
import { KubeNotFoundError, type KubeApi } from './api.js';

/** A kind as the cluster serves it: its plural path segment and whether it lives in namespaces. */
export interface ServedKind {
  basePath: string;
  resource: string;
  namespaced: boolean;
}

/** What the cluster holds for one manifest object. `ref` is corrected to the kind's real scope. */
export interface LiveObject {
  ref: ObjectRef;
  manifest: ManifestObject;
  /** `served: false` when the cluster does not serve the kind. */
  served: boolean;
  /** Why its list could not be read whole (too many objects, or RBAC forbids it): then absence means nothing. */
  unreadable?: string;
  live?: Record<string, unknown>;
}

/** Page size, and how many pages one kind in one namespace may take before the list is cut short. */
const pageSize = 500;
const maxPages = 20;

/**
 * The live objects of a manifest, read with one discovery call per API group-version and one list per kind
 * and namespace (paged), never one call per object. Everything read is untrusted: items that are not
 * objects with a string name are ignored, and lists stop after `maxPages` pages.
 */
export async function readLiveObjects(api: KubeApi, objects: ManifestObject[]): Promise<LiveObject[]> {
  const kinds = await servedKinds(api, [...new Set(objects.map((object) => object.apiVersion))]);
  const located = objects.map((manifest) => {
    const kind = kinds.get(`${manifest.apiVersion}\u0000${manifest.kind}`);
    const namespace = kind && !kind.namespaced ? '' : manifest.namespace;
    return { manifest, kind, ref: { apiVersion: manifest.apiVersion, kind: manifest.kind, namespace, name: manifest.name } };
  });
  const lists = new Map<string, Promise<ListedObjects>>();
  for (const { kind, ref } of located) {
    if (!kind) continue;
    const path = `${kind.basePath}${ref.namespace ? `/namespaces/${encodeURIComponent(ref.namespace)}` : ''}/${kind.resource}`;
    if (!lists.has(path))
      lists.set(
        path,
        listAll(api, path).catch((error: unknown) => forbiddenList(error, kind.resource, ref.namespace)),
      );
  }
  const results: LiveObject[] = [];
  for (const { manifest, kind, ref } of located) {
    if (!kind) {
      results.push({ ref, manifest, served: false });
      continue;
    }
    const path = `${kind.basePath}${ref.namespace ? `/namespaces/${encodeURIComponent(ref.namespace)}` : ''}/${kind.resource}`;
    const list = await lists.get(path)!;
    const item = list.byName.get(ref.name);
    results.push({ ref, manifest, served: true, unreadable: list.unreadable, live: item && { ...item, apiVersion: ref.apiVersion, kind: ref.kind } });
  }
  return results;
}

/** One list per namespace of a core kind (Endpoints for Services), by name. */
export async function listCoreByNamespace(api: KubeApi, resource: string, namespaces: string[]): Promise<Map<string, Record<string, unknown>>> {
  const found = new Map<string, Record<string, unknown>>();
  await Promise.all(
    [...new Set(namespaces)].map(async (namespace) => {
      const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/${resource}`;
      const { byName } = await listAll(api, path).catch((error: unknown) => forbiddenList(error, resource, namespace));
      for (const [name, item] of byName) found.set(objectKey({ kind: resource, namespace, name }), item);
    }),
  );
  return found;
}

/** The kinds served in each of `apiVersions`, keyed `apiVersion NUL kind`: one discovery call per group-version. */
export async function servedKinds(api: KubeApi, apiVersions: string[]): Promise<Map<string, ServedKind>> {
  const kinds = new Map<string, ServedKind>();
  await Promise.all(
    apiVersions.map(async (apiVersion) => {
      if (!/^([a-z0-9.-]+\/)?v[a-z0-9]+$/.test(apiVersion)) return;
      const basePath = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      let discovery: unknown;
      try {
        discovery = await api.call('GET', basePath, 'APIResourceList');
      } catch (error) {
        if (error instanceof KubeNotFoundError) return;
        throw error;
      }
      const resources = isRecord(discovery) && Array.isArray(discovery.resources) ? discovery.resources : [];
      for (const entry of resources) {
        if (!isRecord(entry) || typeof entry.name !== 'string' || typeof entry.kind !== 'string' || entry.name.includes('/')) continue;
        if (!/^[a-z0-9.-]+$/.test(entry.name)) continue;
        kinds.set(`${apiVersion}\u0000${entry.kind}`, { basePath, resource: entry.name, namespaced: entry.namespaced === true });
      }
    }),
  );
  return kinds;
}

interface ListedObjects {
  byName: Map<string, Record<string, unknown>>;
  unreadable?: string;
}

/** A list RBAC forbids is read as empty and unreadable (the objects' state is unknown); other failures fail. */
function forbiddenList(error: unknown, resource: string, namespace: string): ListedObjects {
  if (!(error instanceof AppError) || error.status !== 403) throw error;
  return { byName: new Map(), unreadable: `not allowed to list ${resource}${namespace ? ` in ${namespace}` : ''}` };
}

async function listAll(api: KubeApi, path: string): Promise<ListedObjects> {
  const byName = new Map<string, Record<string, unknown>>();
  let next = '';
  for (let page = 0; page < maxPages; page += 1) {
    const query = `?limit=${pageSize}${next ? `&continue=${encodeURIComponent(next)}` : ''}`;
    const list = await api.call('GET', `${path}${query}`, 'List');
    const items = isRecord(list) && Array.isArray(list.items) ? list.items : [];
    for (const item of items) {
      const name = isRecord(item) && isRecord(item.metadata) ? item.metadata.name : undefined;
      if (typeof name === 'string') byName.set(name, item);
    }
    const metadata = isRecord(list) && isRecord(list.metadata) ? list.metadata : {};
    next = typeof metadata.continue === 'string' ? metadata.continue : '';
    if (!next) return { byName };
  }
  return { byName, unreadable: 'too many objects of this kind to list' };
}
