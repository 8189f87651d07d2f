import { AppError } from '@platform/service-kit';
import { ErrorCode, type ObjectRef } from '@platform/contracts';
import { parseAllDocuments } from 'yaml';
import { isRecord } from './field-paths.js';

/** One object of a rendered manifest, keyed by what identifies it on the cluster. */
export interface ManifestObject extends ObjectRef {
  body: Record<string, unknown>;
}

/** Kinds that live outside namespaces (the common ones; the resources view asks discovery for the rest). */
const clusterScopedKinds = new Set([
  'APIService',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'IngressClass',
  'MutatingWebhookConfiguration',
  'Namespace',
  'PersistentVolume',
  'PriorityClass',
  'RuntimeClass',
  'StorageClass',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'ValidatingWebhookConfiguration',
]);

/**
 * The objects of a Helm manifest (YAML documents separated by `---`), in manifest order. An object without
 * a namespace is in the release's namespace unless its kind is cluster-scoped. 500/603 for a manifest that
 * is not YAML (stored manifests come from the cluster: never trusted).
 */
export function manifestObjects(manifest: string, releaseNamespace: string): ManifestObject[] {
  const objects: ManifestObject[] = [];
  for (const document of parseAllDocuments(manifest, { uniqueKeys: false })) {
    if (document.errors.length > 0) {
      throw new AppError(500, ErrorCode.ClusterOperationFailed, ['the release manifest is not valid YAML']);
    }
    const body: unknown = document.toJS({ maxAliasCount: 100 });
    if (!isRecord(body)) continue;
    const metadata = isRecord(body.metadata) ? body.metadata : {};
    const kind = text(body.kind);
    const namespace = text(metadata.namespace) || (clusterScopedKinds.has(kind) ? '' : releaseNamespace);
    objects.push({ apiVersion: text(body.apiVersion), kind, namespace, name: text(metadata.name), body });
  }
  return objects;
}

/** `kind/namespace/name`, the identity two manifests are matched by. */
export function objectKey(ref: Pick<ObjectRef, 'kind' | 'namespace' | 'name'>): string {
  return `${ref.kind}\u0000${ref.namespace}\u0000${ref.name}`;
}

/** Kind, then namespace, then name, in code-unit order (never locale order: plans must be byte-identical). */
export function byObjectRef(a: ObjectRef, b: ObjectRef): number {
  return compare(a.kind, b.kind) || compare(a.namespace, b.namespace) || compare(a.name, b.name) || compare(a.apiVersion, b.apiVersion);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function text(value: unknown): string {
  // A field Kubernetes wants as a string but the manifest has as a map keeps its former reading ('[object Object]').
  // eslint-disable-next-line @typescript-eslint/no-base-to-string
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
}
