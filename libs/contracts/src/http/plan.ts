import { z } from 'zod';
import { Count, QueryBoolean } from './common.js';
import { ReleaseName, ReleaseTarget } from './releases.js';

/**
 * Plans, diffs and views of a release. Every list is in a fixed order (objects by kind, namespace, name;
 * paths sorted), so two identical diffs are byte-identical. Secret `data`/`stringData` values never appear:
 * a changed key shows as a changed line and a path, its value as `(redacted)`.
 */

/** Where an object lives; `namespace` is '' for cluster-scoped kinds. */
export const ObjectRef = z.object({
  apiVersion: z.string(),
  kind: z.string(),
  namespace: z.string(),
  name: z.string(),
});
export type ObjectRef = z.infer<typeof ObjectRef>;

export const ObjectChangeKind = z.enum(['added', 'removed', 'changed']);

/** One object whose rendering differs between two sides. */
export const ObjectChange = ObjectRef.extend({
  change: ObjectChangeKind,
  /** Field paths that differ, `spec.replicas`, `data.password`, `metadata.labels["app.kubernetes.io/name"]`. */
  paths: z.array(z.string()),
  /** A unified diff of the object's YAML (keys sorted), three lines of context. */
  diff: z.string(),
});
export type ObjectChange = z.infer<typeof ObjectChange>;

/** Two versions of a document (values as YAML, notes as text). */
export const TextChange = z.object({
  changed: z.boolean(),
  paths: z.array(z.string()),
  diff: z.string(),
});
export type TextChange = z.infer<typeof TextChange>;

/** One side of a diff: a stored revision, or (revision null) what an operation would write. */
export const DiffSide = z.object({
  revision: z.number().int().nullable(),
  chart: z.string(),
  appVersion: z.string(),
});
export type DiffSide = z.infer<typeof DiffSide>;

export const ReleaseDiff = z.object({
  from: DiffSide,
  to: DiffSide,
  chartChanged: z.boolean(),
  summary: z.object({ added: z.number().int(), removed: z.number().int(), changed: z.number().int(), unchanged: z.number().int() }),
  objects: z.array(ObjectChange),
  values: z.object({ user: TextChange, computed: TextChange }),
  notes: TextChange,
});
export type ReleaseDiff = z.infer<typeof ReleaseDiff>;

/** The apiserver's verdict on one planned object, from a server-side apply dry run. */
export const AdmissionVerdict = ObjectRef.extend({ message: z.string() });

/**
 * A server-side apply dry run of every planned object (defaulting, validation, admission; nothing written).
 * `refused` objects would fail the operation; `unknown` are of kinds the cluster does not serve yet.
 */
export const PlanAdmission = z.object({
  accepted: z.number().int(),
  refused: z.array(AdmissionVerdict),
  unknown: z.array(AdmissionVerdict),
});
export type PlanAdmission = z.infer<typeof PlanAdmission>;

/**
 * What an install, upgrade or rollback would do: the diff from the deployed revision, and the token to apply
 * exactly it. An install's plan is from nothing: `from` is `{revision: 0, chart: "", appVersion: ""}`, every
 * object `added`, the values diffed against none, `basedOnRevision` 0.
 */
export const ReleasePlan = ReleaseDiff.extend({
  operation: z.enum(['install', 'upgrade', 'rollback']),
  name: z.string(),
  namespace: z.string(),
  /** The release's latest revision when planned (0: none, an install); the token is void once another revision exists. */
  basedOnRevision: z.number().int(),
  /** Send as `planToken` with the same request (without `dryRun`) to apply exactly this plan (else 409/609). */
  planToken: z.string(),
  /** The manifest the operation would apply (Secret values redacted). */
  manifest: z.string(),
  /** What the cluster says of the planned objects; null for memory releases, which touch no cluster. */
  admission: PlanAdmission.nullable(),
});
export type ReleasePlan = z.infer<typeof ReleasePlan>;

export const DiffQuery = ReleaseTarget.extend({
  /** Revisions; 0 is the latest deployed one, as in GET /api/releases/{name}/{revision}. */
  from: Count,
  to: Count,
});
export type DiffQuery = z.infer<typeof DiffQuery>;

export const RevisionViewParams = z.object({ name: ReleaseName, revision: Count });

export const RevisionValuesQuery = ReleaseTarget.extend({
  /** The computed values (the chart's defaults overlaid with the user's), as `helm get values --all`. */
  all: QueryBoolean.optional(),
});
export type RevisionValuesQuery = z.infer<typeof RevisionValuesQuery>;

const RevisionView = z.object({ name: z.string(), namespace: z.string(), revision: z.number().int() });
export const RevisionManifest = RevisionView.extend({ manifest: z.string() });
export type RevisionManifest = z.infer<typeof RevisionManifest>;
export const RevisionValues = RevisionView.extend({ computed: z.boolean(), values: z.record(z.unknown()) });
export type RevisionValues = z.infer<typeof RevisionValues>;
export const RevisionNotes = RevisionView.extend({ notes: z.string() });
export type RevisionNotes = z.infer<typeof RevisionNotes>;
