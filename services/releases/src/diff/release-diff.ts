import type { DiffSide, ObjectChange, ReleaseDiff, TextChange } from '@platform/contracts';
import { stringify } from 'yaml';
import type { HelmRelease } from '../helm/codec.js';
import { computedValues } from './computed-values.js';
import { changedPaths } from './field-paths.js';
import { unifiedDiff } from './line-diff.js';
import { byObjectRef, manifestObjects, objectKey, type ManifestObject } from './manifest-objects.js';
import { redactSecretPair } from './secret-redaction.js';

type DiffedRelease = Pick<HelmRelease, 'namespace' | 'manifest' | 'config' | 'chart' | 'info'>;

/**
 * What a diff compares of a release: a stored revision, what an operation would store (revision null), or
 * nothing yet (release null, revision 0: what an install starts from).
 */
export type ReleaseSide = { revision: number | null; release: DiffedRelease } | { revision: 0; release: null };

/** The structured diff of two sides of one release: objects, values (user and computed), notes and chart. */
export function diffReleases(from: ReleaseSide, to: ReleaseSide): ReleaseDiff {
  const labels = { from: labelOf(from), to: labelOf(to) };
  const [before, after] = [from.release, to.release];
  const objects = diffObjects(
    before ? manifestObjects(before.manifest ?? '', before.namespace) : [],
    after ? manifestObjects(after.manifest ?? '', after.namespace) : [],
    labels,
  );
  const fromSide = describeSide(from);
  const toSide = describeSide(to);
  return {
    from: fromSide,
    to: toSide,
    chartChanged: fromSide.chart !== toSide.chart || fromSide.appVersion !== toSide.appVersion,
    summary: objects.summary,
    objects: objects.changes,
    values: {
      user: diffDocuments(before?.config ?? {}, after?.config ?? {}, labels),
      computed: diffDocuments(
        before ? computedValues(before.chart.values, before.config) : {},
        after ? computedValues(after.chart.values, after.config) : {},
        labels,
      ),
    },
    notes: diffTexts(before?.info.notes ?? '', after?.info.notes ?? '', labels),
  };
}

/** Objects matched by kind, namespace and name; Secrets redacted before anything is rendered. */
function diffObjects(
  before: ManifestObject[],
  after: ManifestObject[],
  labels: { from: string; to: string },
): { changes: ObjectChange[]; summary: ReleaseDiff['summary'] } {
  const beforeByKey = new Map(before.map((object) => [objectKey(object), object]));
  const afterByKey = new Map(after.map((object) => [objectKey(object), object]));
  const changes: ObjectChange[] = [];
  let unchanged = 0;
  for (const key of new Set([...beforeByKey.keys(), ...afterByKey.keys()])) {
    const old = beforeByKey.get(key);
    const next = afterByKey.get(key);
    const ref = next ?? old!;
    const paths = old && next ? changedPaths(old.body, next.body) : [];
    if (old && next && paths.length === 0) {
      unchanged += 1;
      continue;
    }
    const [shownOld, shownNext] = redactSecretPair(old?.body, next?.body);
    changes.push({
      apiVersion: ref.apiVersion,
      kind: ref.kind,
      namespace: ref.namespace,
      name: ref.name,
      change: !old ? 'added' : !next ? 'removed' : 'changed',
      paths,
      diff: unifiedDiff(shownOld ? objectYaml(shownOld) : '', shownNext ? objectYaml(shownNext) : '', labels),
    });
  }
  changes.sort(byObjectRef);
  const count = (change: ObjectChange['change']) => changes.filter((entry) => entry.change === change).length;
  return { changes, summary: { added: count('added'), removed: count('removed'), changed: count('changed'), unchanged } };
}

/** YAML with keys sorted at every level, so the text is the same whatever order a side wrote its keys in. */
export function objectYaml(body: unknown): string {
  return stringify(body, { sortMapEntries: true, lineWidth: 0, aliasDuplicateObjects: false });
}

function diffDocuments(before: unknown, after: unknown, labels: { from: string; to: string }): TextChange {
  const paths = changedPaths(before, after);
  return { changed: paths.length > 0, paths, diff: paths.length > 0 ? unifiedDiff(objectYaml(before), objectYaml(after), labels) : '' };
}

function diffTexts(before: string, after: string, labels: { from: string; to: string }): TextChange {
  return { changed: before !== after, paths: [], diff: unifiedDiff(before, after, labels) };
}

function describeSide(side: ReleaseSide): DiffSide {
  if (!side.release) return { revision: side.revision, chart: '', appVersion: '' };
  const metadata = side.release.chart.metadata;
  const appVersion = (metadata as { appVersion?: unknown }).appVersion;
  return { revision: side.revision, chart: `${metadata.name}-${metadata.version}`, appVersion: typeof appVersion === 'string' ? appVersion : '' };
}

function labelOf(side: ReleaseSide): string {
  return !side.release ? 'none' : side.revision === null ? 'planned' : `revision ${side.revision}`;
}
