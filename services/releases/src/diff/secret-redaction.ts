import { parseDocument } from 'yaml';
import { isRecord } from './field-paths.js';

export const redacted = '(redacted)';
const redactedBefore = '(redacted, before)';
const redactedAfter = '(redacted, after)';

/** Annotations that carry a copy of the object, values included (kubectl apply's). */
const copyAnnotations = ['kubectl.kubernetes.io/last-applied-configuration'];

/**
 * Secret values replaced by placeholders, on both sides of a comparison at once: a key whose value differs
 * gets different placeholders (so the text diff shows it changed), an equal one the same. Other kinds come
 * back as they are. Never mutates its inputs.
 */
export function redactSecretPair(
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown> | undefined,
): [Record<string, unknown> | undefined, Record<string, unknown> | undefined] {
  if (!isSecret(before) && !isSecret(after)) return [before, after];
  const left = before && structuredClone(before);
  const right = after && structuredClone(after);
  for (const field of ['data', 'stringData']) {
    maskPair(valuesAt(left, [field]), valuesAt(right, [field]), undefined);
  }
  maskPair(valuesAt(left, ['metadata', 'annotations']), valuesAt(right, ['metadata', 'annotations']), copyAnnotations);
  return [left, right];
}

/** Replaces the values of `keys` (all keys when undefined) in both maps, in place. */
function maskPair(left: Record<string, unknown> | undefined, right: Record<string, unknown> | undefined, keys: string[] | undefined): void {
  for (const key of keys ?? new Set([...Object.keys(left ?? {}), ...Object.keys(right ?? {})])) {
    const inLeft = left !== undefined && key in left;
    const inRight = right !== undefined && key in right;
    const differ = inLeft && inRight && JSON.stringify(left[key]) !== JSON.stringify(right[key]);
    if (inLeft) left[key] = differ ? redactedBefore : redacted;
    if (inRight) right[key] = differ ? redactedAfter : redacted;
  }
}

function valuesAt(body: Record<string, unknown> | undefined, path: string[]): Record<string, unknown> | undefined {
  let current: unknown = body;
  for (const key of path) current = isRecord(current) ? current[key] : undefined;
  return isRecord(current) ? current : undefined;
}

function isSecret(body: Record<string, unknown> | undefined): boolean {
  return body?.kind === 'Secret' && (body.apiVersion === 'v1' || body.apiVersion === undefined);
}

/**
 * A manifest with every Secret's `data`/`stringData` values replaced by `(redacted)`. Documents are split on
 * `---` lines as Helm splits manifests; other documents are kept byte for byte, a Secret keeps its comments
 * (helm's `# Source:` line), and a document that is not YAML is left out.
 */
export function redactManifestSecrets(manifest: string): string {
  return manifest
    .split(/^(?=---[ \t]*$)/m)
    .map((chunk) => {
      const document = parseDocument(chunk, { uniqueKeys: false });
      // Text that is not YAML could still be a Secret's: it is not shown.
      if (document.errors.length > 0) return '---\n# (not valid YAML: left out)\n';
      const body = asRecord(document.toJS({ maxAliasCount: 100 }));
      if (!isSecret(body)) return chunk;
      for (const field of ['data', 'stringData']) {
        for (const key of Object.keys(valuesAt(body, [field]) ?? {})) document.setIn([field, key], redacted);
      }
      return document.toString({ lineWidth: 0 });
    })
    .join('');
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return isRecord(value) ? value : undefined;
}
