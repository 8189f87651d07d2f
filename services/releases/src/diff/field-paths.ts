/** At most this many paths are listed for one comparison; a truncation marker ends a longer list. */
const maxPaths = 500;

/**
 * The field paths at which two parsed documents differ (a key present on one side only counts), sorted.
 * Arrays compare by index. Paths read `spec.template.spec.containers[0].image`, and keys that are not plain
 * words are quoted: `metadata.labels["app.kubernetes.io/name"]`.
 */
export function changedPaths(before: unknown, after: unknown): string[] {
  const paths: string[] = [];
  collect(before, after, '', paths);
  paths.sort();
  return paths.length > maxPaths ? [...paths.slice(0, maxPaths), `… ${paths.length - maxPaths} more`] : paths;
}

function collect(before: unknown, after: unknown, path: string, out: string[]): void {
  if (out.length > maxPaths * 4) return;
  if (isRecord(before) && isRecord(after)) {
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      collect(before[key], after[key], joinKey(path, key), out);
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    for (let index = 0; index < Math.max(before.length, after.length); index += 1) {
      collect(before[index], after[index], `${path}[${index}]`, out);
    }
    return;
  }
  if (!sameLeaf(before, after)) out.push(path === '' ? '.' : path);
}

function joinKey(path: string, key: string): string {
  const segment = /^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key) ? key : `[${JSON.stringify(key)}]`;
  if (segment.startsWith('[')) return `${path}${segment}`;
  return path === '' ? segment : `${path}.${segment}`;
}

function sameLeaf(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
