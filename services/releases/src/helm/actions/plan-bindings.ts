import { createHash } from 'node:crypto';
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

/** What an install plans with: the chart's files as loaded (a repository's newest version may change), the values text, the namespace option. */
export interface InstallInput {
  chart: ReadonlyMap<string, Buffer>;
  valuesText: string;
  createNamespace: boolean;
}

/**
 * What a plan token of an install binds: the release, its latest revision (0 while it does not exist, so a
 * release installed meanwhile voids the token) and the install's input, the chart by a digest of its files.
 */
export function installBinding(context: ReleaseOperationContext, latestRevision: number, input: InstallInput): PlanBinding {
  const chart = createHash('sha256');
  for (const path of [...input.chart.keys()].sort()) chart.update(`${path}\u0000${input.chart.get(path)!.length}\u0000`).update(input.chart.get(path)!);
  const fields = JSON.stringify([chart.digest('hex'), input.valuesText, input.createNamespace]);
  return { operation: 'install', location: context.location, namespace: context.namespace, name: context.name, latestRevision, input: fields };
}
