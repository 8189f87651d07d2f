import { z } from 'zod';
import { ObjectRef } from './plan.js';

/**
 * What the cluster holds of a release's deployed revision: each object's health, and drift from the manifest.
 * Objects are in a fixed order (kind, namespace, name). Secret values never appear.
 */

/**
 * kstatus-like: `Current` (reconciled and available, or simply present for kinds without a status rule),
 * `InProgress` (rolling out, pending, not yet bound or ready), `Failed`, `NotFound` (missing from the cluster),
 * `Unknown` (its kind is not served, or it could not be read).
 */
export const ResourceStatus = z.enum(['Current', 'InProgress', 'Failed', 'NotFound', 'Unknown']);
export type ResourceStatus = z.infer<typeof ResourceStatus>;

export const ReleaseResource = ObjectRef.extend({ status: ResourceStatus, message: z.string() });
export type ReleaseResource = z.infer<typeof ReleaseResource>;

/** How many objects have each status; every status is answered, 0 when no object has it. */
const count = z.number().int().nonnegative();
export const HealthCounts = z.object({ Current: count, InProgress: count, Failed: count, NotFound: count, Unknown: count });

/** The worst status of the objects (Failed, NotFound, Unknown, InProgress, Current), and how many of each. */
export const ReleaseHealth = z.object({ status: ResourceStatus, counts: HealthCounts });
export type ReleaseHealth = z.infer<typeof ReleaseHealth>;

export const ReleaseResources = z.object({
  name: z.string(),
  namespace: z.string(),
  revision: z.number().int(),
  health: ReleaseHealth,
  resources: z.array(ReleaseResource),
});
export type ReleaseResources = z.infer<typeof ReleaseResources>;

/** `unknown`: the object's kind is not served by the cluster, or it could not be read. */
export const DriftState = z.enum(['missing', 'changed', 'unchanged', 'unknown']);

export const DriftObject = ObjectRef.extend({
  state: DriftState,
  /** Paths of fields the manifest sets whose live value differs. */
  paths: z.array(z.string()),
  /** Unified diff: the manifest's fields (`--- manifest`) against the live object's same fields (`+++ live`). */
  diff: z.string(),
});
export type DriftObject = z.infer<typeof DriftObject>;

export const ReleaseDrift = z.object({
  name: z.string(),
  namespace: z.string(),
  revision: z.number().int(),
  summary: z.object({ missing: z.number().int(), changed: z.number().int(), unchanged: z.number().int(), unknown: z.number().int() }),
  objects: z.array(DriftObject),
});
export type ReleaseDrift = z.infer<typeof ReleaseDrift>;
