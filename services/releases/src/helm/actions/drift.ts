import type { DriftObject, ReleaseDrift } from '@platform/contracts';
import { driftOf } from '../../diff/live-drift.js';
import { unifiedDiff } from '../../diff/line-diff.js';
import { byObjectRef, manifestObjects } from '../../diff/manifest-objects.js';
import { objectYaml } from '../../diff/release-diff.js';
import { redactSecretPair } from '../../diff/secret-redaction.js';
import type { KubeApi } from '../../kube/api.js';
import { readLiveObjects, type LiveObject } from '../../kube/live-objects.js';
import type { ReleaseStore } from '../storage.js';

/** Told how many objects of each state a drift check found. */
export type DriftObserver = (state: DriftObject['state'], count: number) => void;

/**
 * Drift of the deployed revision: each object of its manifest against the live object, field by field over
 * the fields the manifest sets (fields the cluster or controllers add are not drift). Objects are read with
 * one list per kind and namespace. Secret values are redacted.
 */
export async function releaseDrift(
  store: ReleaseStore,
  api: KubeApi,
  namespace: string,
  name: string,
  observe: DriftObserver = () => {},
): Promise<ReleaseDrift> {
  const release = await store.get(namespace, name, 0);
  const live = await readLiveObjects(api, manifestObjects(release.manifest ?? '', release.namespace));
  const objects = live.map(driftObject).sort(byObjectRef);
  const count = (state: DriftObject['state']) => objects.filter((object) => object.state === state).length;
  for (const state of ['missing', 'changed', 'unchanged', 'unknown'] as const) observe(state, count(state));
  return {
    name: release.name,
    namespace: release.namespace,
    revision: release.version,
    summary: { missing: count('missing'), changed: count('changed'), unchanged: count('unchanged'), unknown: count('unknown') },
    objects,
  };
}

function driftObject(entry: LiveObject): DriftObject {
  if (!entry.served || (!entry.live && entry.unreadable)) return { ...entry.ref, state: 'unknown', paths: [], diff: '' };
  if (!entry.live) return { ...entry.ref, state: 'missing', paths: [], diff: '' };
  const { wanted, actual, paths } = driftOf(entry.manifest.body, entry.live);
  if (paths.length === 0) return { ...entry.ref, state: 'unchanged', paths, diff: '' };
  const [shownWanted, shownActual] = redactSecretPair(wanted as Record<string, unknown>, actual as Record<string, unknown>);
  return { ...entry.ref, state: 'changed', paths, diff: unifiedDiff(objectYaml(shownWanted), objectYaml(shownActual), { from: 'manifest', to: 'live' }) };
}
