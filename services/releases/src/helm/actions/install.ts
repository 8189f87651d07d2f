import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '@platform/service-kit';
import { ErrorCode, releaseNameTaken } from '@platform/contracts';
import { writeChartFiles } from '../chart-files.js';
import type { HelmRelease } from '../codec.js';
import { parseUpgradeValues } from '../values.js';
import type { ReleaseOperationContext } from './operation.js';

export interface InstallRequest {
  /** The chart's files, checked (see unpackChartArchive). */
  chart: ReadonlyMap<string, Buffer>;
  valuesText: string;
  createNamespace: boolean;
  dryRun: boolean;
}

/**
 * `helm install` of a chart on disk: helm runs hooks, validates the values against the chart's schema and
 * writes the release record exactly as Helm does. The release helm made (or, with `dryRun`, would make:
 * `--dry-run=server`, nothing written) is answered as Helm's release JSON.
 * 409/611 when the name has revisions in the namespace (uninstalled with its history kept too, as Helm
 * refuses it); 422/607 for values that are not a YAML map or fail the chart's schema.
 */
export async function installRelease(context: ReleaseOperationContext, request: InstallRequest): Promise<HelmRelease> {
  const values = parseUpgradeValues(request.valuesText);
  const existing = await context.store.driver.list(context.namespace, context.name);
  if (existing.length > 0) throw nameTaken(context);
  const cluster = context.cluster!;
  const output = await context.helm
    .run({
      user: context.user,
      args: [
        'install',
        context.name,
        'chart',
        '--namespace',
        context.namespace,
        '--output',
        'json',
        ...(request.createNamespace ? ['--create-namespace'] : []),
        ...(values !== undefined ? ['--values', 'values.yaml'] : []),
        ...(request.dryRun ? ['--dry-run=server'] : []),
      ],
      kubeconfig: { text: cluster.kubeconfig, context: cluster.context },
      driver: cluster.driver,
      prepare: async (folder) => {
        await writeChartFiles(folder, request.chart, chartRefused);
        if (values !== undefined) await writeFile(join(folder, 'values.yaml'), request.valuesText, { mode: 0o600 });
      },
    })
    .catch((error: unknown) => {
      // Another install of the name won the race between our check and helm's.
      if (error instanceof AppError && /cannot re-use a name that is still in use/.test(error.message)) throw nameTaken(context);
      throw error;
    });
  try {
    return JSON.parse(output) as HelmRelease;
  } catch (error) {
    throw new AppError(500, ErrorCode.ClusterOperationFailed, ['helm install did not answer release JSON'], { cause: error });
  }
}

function nameTaken(context: ReleaseOperationContext): AppError {
  return new AppError(409, ErrorCode.ReleaseNameTaken, [releaseNameTaken(context.name, context.namespace)]);
}

function chartRefused(reason: string): AppError {
  return new AppError(422, ErrorCode.ValidationFailed, [`chart validation failed: ${reason}`]);
}
