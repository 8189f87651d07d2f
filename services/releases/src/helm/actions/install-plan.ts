import type { PlanAdmission, ReleasePlan } from '@platform/contracts';
import { byObjectRef } from '../../diff/manifest-objects.js';
import { diffReleases } from '../../diff/release-diff.js';
import { redactManifestSecrets } from '../../diff/secret-redaction.js';
import { KubeNotFoundError } from '../../kube/api.js';
import { parseUpgradeValues } from '../values.js';
import { refuseTakenName, runHelmInstall } from './install.js';
import type { ReleaseOperationContext } from './operation.js';
import { admissionOf, plannedRelease } from './plan.js';
import { installBinding, type InstallInput } from './plan-bindings.js';

/**
 * The plan of an install: what `helm install --dry-run=server` would write (rendered against the cluster:
 * lookups, the chart's schema) against nothing, so every object is added. Changes nothing. Errors as the
 * install itself: 409/611 for a name taken, 422/607 for bad values. Its token binds "no revision yet".
 */
export async function planInstall(context: ReleaseOperationContext, input: InstallInput): Promise<ReleasePlan> {
  const values = parseUpgradeValues(input.valuesText);
  await refuseTakenName(context, input);
  const planned = plannedRelease(await runHelmInstall(context, input, values !== undefined, ['--dry-run=server']));
  const admission = await admissionOf(context.cluster!.api, planned);
  return {
    operation: 'install',
    name: context.name,
    namespace: context.namespace,
    basedOnRevision: 0,
    planToken: context.planTokens.sign(installBinding(context, 0, input)),
    manifest: redactManifestSecrets(planned.manifest ?? ''),
    admission: input.createNamespace && (await namespaceAbsent(context)) ? awaitingNamespace(admission, context.namespace) : admission,
    ...diffReleases({ revision: 0, release: null }, { revision: null, release: planned }),
  };
}

async function namespaceAbsent(context: ReleaseOperationContext): Promise<boolean> {
  return context.cluster!.api.call('GET', `/api/v1/namespaces/${encodeURIComponent(context.namespace)}`, 'Namespace').then(
    () => false,
    // Any other answer (a context that may not read namespaces) leaves the verdicts as the apiserver gave them.
    (error: unknown) => error instanceof KubeNotFoundError,
  );
}

/**
 * The install would create the namespace first (`createNamespace`); the dry run cannot, so the apiserver
 * refuses every object in it as "namespace not found". Those are not refusals of the install: unknown.
 */
function awaitingNamespace(admission: PlanAdmission, namespace: string): PlanAdmission {
  const waiting = admission.refused.filter((verdict) => verdict.namespace === namespace);
  return {
    accepted: admission.accepted,
    refused: admission.refused.filter((verdict) => verdict.namespace !== namespace),
    unknown: [
      ...admission.unknown,
      ...waiting.map((verdict) => ({ ...verdict, message: `namespace ${namespace} does not exist yet: the install creates it` })),
    ].sort(byObjectRef),
  };
}
