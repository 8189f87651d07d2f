import { AppError } from '@platform/service-kit';
import { ErrorCode, Release, type PlanAdmission, type ReleasePlan } from '@platform/contracts';
import { manifestObjects } from '../../diff/manifest-objects.js';
import { diffReleases } from '../../diff/release-diff.js';
import { admissionDryRun } from '../../kube/admission.js';
import { redactManifestSecrets } from '../../diff/secret-redaction.js';
import type { KubeApi } from '../../kube/api.js';
import type { HelmRelease } from '../codec.js';
import type { ReleaseRecord } from '../driver.js';
import { releaseNotFound } from '../storage.js';
import { parseUpgradeValues } from '../values.js';
import { refuseLivePending, type ReleaseOperationContext } from './operation.js';
import { rollbackBinding, upgradeBinding } from './plan-bindings.js';
import { renderTemplate, runHelmUpgrade } from './upgrade.js';

/**
 * The plan of an upgrade: what `helm upgrade --dry-run=server` would write (rendered against the cluster:
 * lookups, the chart's schema, the records helm would make) against the deployed revision. Changes nothing.
 * Errors as the upgrade itself: 422/607 for bad values, 409/606 while another operation is pending.
 */
export async function planUpgrade(context: ReleaseOperationContext, valuesText: string): Promise<ReleasePlan> {
  const values = parseUpgradeValues(valuesText);
  const history = await context.store.historyRecords(context.namespace, context.name);
  const latest = history.at(-1)!;
  await refuseLivePending(context, latest);
  const current = await latest.decode();
  const planned = context.cluster
    ? plannedRelease(await runHelmUpgrade(context, current, valuesText, values !== undefined, ['--dry-run=server', '--output', 'json']))
    : await templatedRelease(context, current, values ?? current.config ?? {});
  return planOf(context, 'upgrade', history, planned, context.planTokens.sign(upgradeBinding(context, latest.version, valuesText)));
}

/**
 * The plan of a rollback: Helm applies the target revision's stored manifest as it is, so the plan is the
 * target revision against the deployed one. Changes nothing. 404/602 for an unknown revision.
 */
export async function planRollback(context: ReleaseOperationContext, revision: number): Promise<ReleasePlan> {
  const history = await context.store.historyRecords(context.namespace, context.name);
  const latest = history.at(-1)!;
  await refuseLivePending(context, latest);
  const targetVersion = revision === 0 ? latest.version - 1 : revision;
  const target = history.find((record) => record.version === targetVersion);
  if (!target) throw releaseNotFound();
  return planOf(context, 'rollback', history, await target.decode(), context.planTokens.sign(rollbackBinding(context, latest.version, targetVersion)));
}

async function planOf(
  context: ReleaseOperationContext,
  operation: ReleasePlan['operation'],
  history: ReleaseRecord[],
  planned: HelmRelease,
  planToken: string,
): Promise<ReleasePlan> {
  const latest = history.at(-1)!;
  const deployedRecord = history.filter((record) => record.status === 'deployed').at(-1) ?? latest;
  const deployed = await deployedRecord.decode();
  const diff = diffReleases({ revision: deployed.version, release: deployed }, { revision: null, release: planned });
  const admission = context.cluster ? await admissionOf(context.cluster.api, planned) : null;
  return {
    operation,
    name: context.name,
    namespace: context.namespace,
    basedOnRevision: latest.version,
    planToken,
    manifest: redactManifestSecrets(planned.manifest ?? ''),
    admission,
    ...diff,
  };
}

/** The apiserver's verdicts on the planned objects (see admissionDryRun). */
export async function admissionOf(api: KubeApi, planned: HelmRelease): Promise<PlanAdmission> {
  const verdicts = await admissionDryRun(api, manifestObjects(planned.manifest ?? '', planned.namespace));
  const withMessage = (outcome: string) =>
    verdicts
      .filter((verdict) => verdict.outcome === outcome)
      .map(({ apiVersion, kind, namespace, name, message }) => ({ apiVersion, kind, namespace, name, message }));
  return { accepted: verdicts.filter((verdict) => verdict.outcome === 'accepted').length, refused: withMessage('refused'), unknown: withMessage('unknown') };
}

/** helm's `--output json` of a dry run: the release it would have stored. */
export function plannedRelease(stdout: string): HelmRelease {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch (error) {
    throw new AppError(500, ErrorCode.ClusterOperationFailed, ['helm did not answer the dry run with a release'], { cause: error });
  }
  const release = Release.safeParse(parsed);
  if (!release.success) throw new AppError(500, ErrorCode.ClusterOperationFailed, ['helm did not answer the dry run with a release']);
  return release.data;
}

async function templatedRelease(context: ReleaseOperationContext, current: HelmRelease, config: Record<string, unknown>): Promise<HelmRelease> {
  return { ...current, config, manifest: await renderTemplate(context, current, config) };
}
