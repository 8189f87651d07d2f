import { z } from 'zod';
import { Count, QueryBoolean } from './common.js';

export const StorageDriverName = z.enum(['secret', 'configmap', 'memory']);
export type StorageDriverName = z.infer<typeof StorageDriverName>;

export const ReleaseStatus = z.enum([
  'unknown',
  'deployed',
  'uninstalled',
  'superseded',
  'failed',
  'uninstalling',
  'pending-install',
  'pending-upgrade',
  'pending-rollback',
]);
export type ReleaseStatus = z.infer<typeof ReleaseStatus>;

/** Helm's rule for release names (DNS-1123 subdomain, at most 53 characters). */
export const ReleaseName = z
  .string()
  .min(1)
  .max(53)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, 'releasename');

/**
 * Kubernetes namespace names (DNS-1123 label); empty means all namespaces: a list lists them all, a call on one
 * release finds it by name in any namespace (409/610 when the name is in several).
 */
export const Namespace = z
  .string()
  .max(63)
  .regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?)?$/, 'namespace')
  .default('');

/** One namespace, named (where a release is made). */
export const NamespaceName = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'namespace');

export const Context = z.string().min(1).max(253);

/** Where a release lives: shared by every release call. */
export const ReleaseTarget = z.object({
  namespace: Namespace,
  context: Context,
  storage: StorageDriverName.default('secret'),
});
export type ReleaseTarget = z.infer<typeof ReleaseTarget>;

/** `statusFilter` may repeat (`?statusFilter=a&statusFilter=b`) or be a comma list, or both. */
export const StatusFilter = z.preprocess(
  (raw) =>
    (Array.isArray(raw) ? (raw as unknown[]) : [raw])
      .flatMap((entry) => (typeof entry === 'string' ? entry.split(',') : [entry]))
      .map((entry) => (typeof entry === 'string' ? entry.trim() : entry))
      .filter((entry) => entry !== ''),
  z.array(ReleaseStatus).max(ReleaseStatus.options.length * 4),
);

export const ListReleasesQuery = ReleaseTarget.extend({
  limit: Count.optional(),
  skip: Count.optional(),
  byDate: QueryBoolean.optional(),
  statusFilter: StatusFilter.optional(),
  /** Adds each listed release's `health` (see ReleaseHealth): its objects read with one list per kind and namespace. */
  health: QueryBoolean.optional(),
});
export type ListReleasesQuery = z.infer<typeof ListReleasesQuery>;

export const ReleaseQuery = ReleaseTarget;
export type ReleaseQuery = z.infer<typeof ReleaseQuery>;

export const ReleaseParams = z.object({ name: ReleaseName });
export const RevisionParams = ReleaseParams.extend({ revision: Count });

/**
 * Plan-then-apply, on install, upgrade and rollback: `dryRun` answers a plan (see http/plan.ts) and changes
 * nothing; `planToken` (from a plan) applies only if the release has not moved since (for an install: still
 * does not exist) and the request is the planned one.
 */
export const PlanOptions = {
  dryRun: z.boolean().optional(),
  planToken: z.string().min(1).max(256).optional(),
};

export const RollbackBody = ReleaseTarget.extend({ revision: Count.default(0), ...PlanOptions });
export type RollbackBody = z.infer<typeof RollbackBody>;

export const UpgradeBody = ReleaseTarget.extend({
  values: z
    .string()
    .max(1024 * 1024)
    .default(''),
  ...PlanOptions,
});
export type UpgradeBody = z.infer<typeof UpgradeBody>;

/** Helm's release JSON. Only the documented fields are described; every other field passes through untouched. */
const HelmFile = z.object({ name: z.string(), data: z.string() }).passthrough();
export const Release = z
  .object({
    name: z.string(),
    info: z
      .object({
        first_deployed: z.string().optional(),
        last_deployed: z.string().optional(),
        deleted: z.string().optional(),
        description: z.string().optional(),
        status: z.string(),
        notes: z.string().optional(),
      })
      .passthrough(),
    chart: z
      .object({
        metadata: z
          .object({
            name: z.string(),
            version: z.string(),
            home: z.string().optional(),
            sources: z.array(z.string()).optional(),
            description: z.string().optional(),
            icon: z.string().optional(),
            apiVersion: z.string().optional(),
          })
          .passthrough(),
        templates: z.array(HelmFile).nullable().optional(),
        values: z.record(z.unknown()).nullable().optional(),
      })
      .passthrough(),
    config: z.record(z.unknown()).nullable().optional(),
    manifest: z.string().optional(),
    version: z.number().int(),
    namespace: z.string(),
  })
  .passthrough();
export type Release = z.infer<typeof Release>;

export const ReleaseList = z.array(Release);
