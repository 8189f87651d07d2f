import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '@platform/service-kit';
import { ErrorCode, ErrorMessage, releaseNameTaken } from '@platform/contracts';
import { writeChartFiles } from '../chart-files.js';
import type { HelmRelease } from '../codec.js';
import { parseUpgradeValues } from '../values.js';
import type { ReleaseOperationContext } from './operation.js';
import { installBinding, type InstallInput } from './plan-bindings.js';

/**
 * `helm install` of a chart on disk: helm runs hooks, validates the values against the chart's schema and
 * writes the release record exactly as Helm does. The release helm made is answered as Helm's release JSON.
 * 409/611 when the name has revisions in the namespace (uninstalled with its history kept too, as Helm
 * refuses it); 422/607 for values that are not a YAML map or fail the chart's schema; 409/609 when
 * `planToken` is not the token of a plan of exactly this install, or the release appeared since.
 */
export async function installRelease(context: ReleaseOperationContext, input: InstallInput, planToken?: string): Promise<HelmRelease> {
  const values = parseUpgradeValues(input.valuesText);
  await refuseTakenName(context, input, planToken);
  const output = await runHelmInstall(context, input, values !== undefined, []).catch((error: unknown) => {
    // Another install of the name won the race between our check and helm's: for a plan, the release appeared.
    if (error instanceof AppError && /cannot re-use a name that is still in use/.test(error.message)) {
      throw planToken === undefined ? nameTaken(context) : new AppError(409, ErrorCode.PlanStale, [ErrorMessage.planStale]);
    }
    throw error;
  });
  try {
    return JSON.parse(output) as HelmRelease;
  } catch (error) {
    throw new AppError(500, ErrorCode.ClusterOperationFailed, ['helm install did not answer release JSON'], { cause: error });
  }
}

/**
 * 409/611 when the name has revisions in the namespace. With a plan token, first 409/609 unless it is the
 * token of a plan of exactly this install made while the name had no revision (so a release installed
 * meanwhile, by anyone, is the plan gone stale rather than a name taken).
 */
export async function refuseTakenName(context: ReleaseOperationContext, input: InstallInput, planToken?: string): Promise<void> {
  const existing = await context.store.driver.list(context.namespace, context.name);
  if (planToken !== undefined) {
    const latestRevision = existing.reduce((latest, record) => Math.max(latest, record.version), 0);
    context.planTokens.verify(installBinding(context, latestRevision, input), planToken);
  }
  if (existing.length > 0) throw nameTaken(context);
}

/** `helm install --output json` of the chart on disk; `extraArgs` such as a dry run. helm's stdout. */
export function runHelmInstall(context: ReleaseOperationContext, input: InstallInput, hasValues: boolean, extraArgs: string[]): Promise<string> {
  const cluster = context.cluster!;
  return context.helm.run({
    user: context.user,
    args: [
      'install',
      context.name,
      'chart',
      '--namespace',
      context.namespace,
      '--output',
      'json',
      ...(input.createNamespace ? ['--create-namespace'] : []),
      ...(hasValues ? ['--values', 'values.yaml'] : []),
      ...extraArgs,
    ],
    kubeconfig: { text: cluster.kubeconfig, context: cluster.context },
    driver: cluster.driver,
    prepare: async (folder) => {
      await writeChartFiles(folder, input.chart, chartRefused);
      if (hasValues) await writeFile(join(folder, 'values.yaml'), input.valuesText, { mode: 0o600 });
    },
  });
}

function nameTaken(context: ReleaseOperationContext): AppError {
  return new AppError(409, ErrorCode.ReleaseNameTaken, [releaseNameTaken(context.name, context.namespace)]);
}

function chartRefused(reason: string): AppError {
  return new AppError(422, ErrorCode.ValidationFailed, [`chart validation failed: ${reason}`]);
}
