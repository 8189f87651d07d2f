import { changedPaths, isRecord } from './field-paths.js';

/**
 * The live object cut down to the fields the manifest sets (what drift compares), and the manifest as the
 * cluster would store it: a Secret's `stringData` folded into `data` (base64), as the apiserver does; nulls
 * and empty maps or lists in the manifest mean "not set". Arrays compare by index.
 */
export function driftOf(manifest: Record<string, unknown>, live: Record<string, unknown>): { wanted: unknown; actual: unknown; paths: string[] } {
  const wanted = prune(asStored(manifest));
  const actual = project(wanted, live);
  return { wanted, actual, paths: changedPaths(wanted, actual) };
}

function asStored(manifest: Record<string, unknown>): Record<string, unknown> {
  if (manifest.kind !== 'Secret' || !isRecord(manifest.stringData)) return manifest;
  const { stringData, ...rest } = manifest;
  const data: Record<string, unknown> = { ...(isRecord(rest.data) ? rest.data : {}) };
  for (const [key, value] of Object.entries(stringData)) data[key] = Buffer.from(String(value)).toString('base64');
  return { ...rest, data };
}

function prune(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(prune);
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    const pruned = prune(entry);
    if (pruned === null || pruned === undefined) continue;
    if (isRecord(pruned) && Object.keys(pruned).length === 0) continue;
    if (Array.isArray(pruned) && pruned.length === 0) continue;
    out[key] = pruned;
  }
  return out;
}

/** `live` restricted to the shape of `wanted`; absent fields stay absent. */
function project(wanted: unknown, live: unknown): unknown {
  if (isRecord(wanted) && isRecord(live)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(wanted)) if (key in live) out[key] = project(wanted[key], live[key]);
    return out;
  }
  if (Array.isArray(wanted) && Array.isArray(live))
    return (live as unknown[]).map((entry, index) => (index < wanted.length ? project(wanted[index], entry) : entry));
  return live;
}
