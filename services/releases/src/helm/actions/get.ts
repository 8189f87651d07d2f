import type { HelmRelease } from '../codec.js';
import type { ReleaseStore } from '../storage.js';

/** `helm get`: one revision; 0 is the latest deployed (or, with none deployed, the highest). */
export function getRelease(store: ReleaseStore, namespace: string, name: string, revision: number): Promise<HelmRelease> {
  return store.get(namespace, name, revision);
}
