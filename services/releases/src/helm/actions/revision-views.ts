import type { RevisionManifest, RevisionNotes, RevisionValues } from '@platform/contracts';
import { computedValues } from '../../diff/computed-values.js';
import { redactManifestSecrets } from '../../diff/secret-redaction.js';
import type { ReleaseStore } from '../storage.js';

/**
 * `helm get manifest`: the rendered manifest of a revision (0: the latest deployed), Secret values redacted
 * like every view of this family (Helm's own record, with them, is GET /api/releases/{name}/{revision}).
 */
export async function revisionManifest(store: ReleaseStore, namespace: string, name: string, revision: number): Promise<RevisionManifest> {
  const release = await store.get(namespace, name, revision);
  return { name: release.name, namespace: release.namespace, revision: release.version, manifest: redactManifestSecrets(release.manifest ?? '') };
}

/** `helm get values [--all]`: the user-supplied values, or the chart's defaults overlaid with them. */
export async function revisionValues(store: ReleaseStore, namespace: string, name: string, revision: number, all: boolean): Promise<RevisionValues> {
  const release = await store.get(namespace, name, revision);
  const values = all ? computedValues(release.chart.values, release.config) : (release.config ?? {});
  return { name: release.name, namespace: release.namespace, revision: release.version, computed: all, values };
}

/** `helm get notes`: the rendered NOTES.txt of a revision. */
export async function revisionNotes(store: ReleaseStore, namespace: string, name: string, revision: number): Promise<RevisionNotes> {
  const release = await store.get(namespace, name, revision);
  return { name: release.name, namespace: release.namespace, revision: release.version, notes: release.info.notes ?? '' };
}
