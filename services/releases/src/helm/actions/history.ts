import type { HelmRelease } from '../codec.js';
import type { ReleaseStore } from '../storage.js';

/** `helm history`: every revision, ascending; 404/602 for an unknown release. */
export async function releaseHistory(store: ReleaseStore, namespace: string, name: string): Promise<HelmRelease[]> {
  return Promise.all((await store.historyRecords(namespace, name)).map((record) => record.decode()));
}
