import type { ReleaseDiff } from '@platform/contracts';
import { diffReleases } from '../../diff/release-diff.js';
import type { ReleaseStore } from '../storage.js';

/**
 * The structured diff between two revisions of a release (0 is the latest deployed one): objects, values,
 * notes and chart, Secrets redacted. 404/602 for an unknown release or revision.
 */
export async function diffRevisions(store: ReleaseStore, namespace: string, name: string, from: number, to: number): Promise<ReleaseDiff> {
  const [before, after] = await Promise.all([store.get(namespace, name, from), store.get(namespace, name, to)]);
  return diffReleases({ revision: before.version, release: before }, { revision: after.version, release: after });
}
