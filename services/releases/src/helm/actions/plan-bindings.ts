import type { PlanBinding } from '../plan-tokens.js';
import type { ReleaseOperationContext } from './operation.js';

/** What a plan token of an upgrade binds: the release, its latest revision, the values text as sent. */
export function upgradeBinding(context: ReleaseOperationContext, latestRevision: number, valuesText: string): PlanBinding {
  return { operation: 'upgrade', location: context.location, namespace: context.namespace, name: context.name, latestRevision, input: valuesText };
}

/** What a plan token of a rollback binds: the release, its latest revision, the revision rolled back to. */
export function rollbackBinding(context: ReleaseOperationContext, latestRevision: number, targetRevision: number): PlanBinding {
  return { operation: 'rollback', location: context.location, namespace: context.namespace, name: context.name, latestRevision, input: String(targetRevision) };
}
