import type { ObjectRef } from '@platform/contracts';
import { AppError } from '@platform/service-kit';
import { byObjectRef, type ManifestObject } from '../diff/manifest-objects.js';
import { KubeConflictError, KubeNotFoundError, type KubeApi } from './api.js';
import { servedKinds } from './live-objects.js';

/** What the apiserver said of one object applied in a dry run. */
export interface AdmissionResult extends ObjectRef {
  outcome: 'accepted' | 'refused' | 'unknown';
  message: string;
}

/** Dry-run applies in flight at once (the apiserver does the work; we only wait). */
const concurrency = 8;
const maxMessage = 500;

/**
 * A server-side apply dry run (`dryRun=All`) of every object, as helm's field manager: the apiserver runs
 * defaulting, validation and admission and writes nothing. helm's own `--dry-run=server` only renders with
 * cluster lookups, so this is what tells a plan that the cluster would refuse an object. Kinds the cluster
 * does not serve yet (a CRD the chart installs) are `unknown`. Only a cluster that cannot be reached fails.
 */
export async function admissionDryRun(api: KubeApi, objects: ManifestObject[]): Promise<AdmissionResult[]> {
  const kinds = await servedKinds(api, [...new Set(objects.map((object) => object.apiVersion))]);
  const results: AdmissionResult[] = [];
  let next = 0;
  const worker = async () => {
    while (next < objects.length) {
      const object = objects[next++]!;
      const kind = kinds.get(`${object.apiVersion}\u0000${object.kind}`);
      const ref: ObjectRef = {
        apiVersion: object.apiVersion,
        kind: object.kind,
        namespace: kind && !kind.namespaced ? '' : object.namespace,
        name: object.name,
      };
      if (!kind || !ref.name) {
        results.push({ ...ref, outcome: 'unknown', message: `the cluster does not serve ${ref.apiVersion} ${ref.kind} yet` });
        continue;
      }
      const scope = ref.namespace ? `/namespaces/${encodeURIComponent(ref.namespace)}` : '';
      const path = `${kind.basePath}${scope}/${kind.resource}/${encodeURIComponent(ref.name)}?dryRun=All&fieldManager=helm&force=true`;
      const body = { ...object.body, metadata: { ...(object.body.metadata as object), ...(ref.namespace ? { namespace: ref.namespace } : {}) } };
      try {
        await api.call('PATCH', path, 'AppliedObject', body, 'application/apply-patch+yaml');
        results.push({ ...ref, outcome: 'accepted', message: '' });
      } catch (error) {
        results.push({ ...ref, outcome: 'refused', message: refusal(error) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, objects.length) }, worker));
  return results.sort(byObjectRef);
}

function refusal(error: unknown): string {
  if (error instanceof AppError && error.status === 502) throw error;
  const message =
    error instanceof AppError ? (error.errors[0] ?? '') : error instanceof KubeNotFoundError || error instanceof KubeConflictError ? error.message : undefined;
  if (message === undefined) throw error;
  return message.length > maxMessage ? `${message.slice(0, maxMessage)}…` : message;
}
