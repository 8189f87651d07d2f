import { parse } from 'yaml';

/** Bounds on what is read: a kubeconfig is user input. */
export const kubeconfigLimits = {
  /** The contract's largest kubeconfig. */
  maxBytes: 1024 * 1024,
  /** Clusters, users or contexts each. */
  maxEntries: 1000,
  /** Kubernetes' longest name; longer entries cannot be selected and are skipped. */
  maxNameLength: 253,
  /** YAML aliases, against "billion laughs" documents. */
  maxAliases: 100,
  /** Unclosed `[` and `{` at any point. */
  maxFlowDepth: 64,
  /** Leading spaces and block indicators (`- - - x`) of a line. */
  maxLineIndent: 256,
} as const;

/** The text is not a kubeconfig at all (no context of it can be listed). */
export class KubeconfigParseError extends Error {
  override readonly name = 'KubeconfigParseError';
}

export type Fields = Readonly<Record<string, unknown>>;

/** A named entry's inner map; `null` when it is there but is not a map (a context naming it is unusable). */
export interface NamedEntry {
  name: string;
  fields: Fields | null;
}

/** A context entry that names its cluster and user. */
export interface ContextEntry {
  name: string;
  cluster: string;
  user: string;
  fields: Fields;
}

/**
 * The three lists of a kubeconfig, each entry with a usable name (and contexts naming a cluster and a user);
 * of clusters and users with the same name, the first wins, as in kubectl.
 */
export interface KubeconfigDocument {
  clusters: ReadonlyMap<string, Fields | null>;
  users: ReadonlyMap<string, Fields | null>;
  contexts: readonly ContextEntry[];
}

/**
 * Reads the YAML (or JSON) of a kubeconfig into its three lists. Throws KubeconfigParseError for text that is
 * too large, not YAML, not a map, with a list that is not a list or too long, or with no entry at all.
 * Entries without a string name, and contexts without a cluster and a user, are skipped: nothing could use them.
 */
export function readKubeconfigDocument(raw: string): KubeconfigDocument {
  if (Buffer.byteLength(raw, 'utf8') > kubeconfigLimits.maxBytes) throw new KubeconfigParseError('kubeconfig is larger than 1 MiB');
  // The YAML parser recurses once per level: a deep document costs a second of CPU before it overflows the
  // stack. Kubeconfigs nest a handful of levels, so deep ones are refused before parsing.
  if (nestsTooDeep(raw)) throw new KubeconfigParseError('kubeconfig nests too deeply');
  let document: unknown;
  try {
    document = parse(raw, { maxAliasCount: kubeconfigLimits.maxAliases });
  } catch (error) {
    throw new KubeconfigParseError('kubeconfig is not valid YAML', { cause: error });
  }
  if (!isMap(document)) throw new KubeconfigParseError('kubeconfig is not a YAML map');
  const clusters = namedEntries(document, 'clusters', 'cluster');
  const users = namedEntries(document, 'users', 'user');
  const contexts = namedEntries(document, 'contexts', 'context').flatMap(({ name, fields }) =>
    fields && typeof fields.cluster === 'string' && typeof fields.user === 'string' ? [{ name, cluster: fields.cluster, user: fields.user, fields }] : [],
  );
  if (clusters.length + users.length + contexts.length === 0) {
    throw new KubeconfigParseError('kubeconfig has no clusters, users or contexts');
  }
  return { clusters: firstByName(clusters), users: firstByName(users), contexts };
}

/**
 * An upper bound on nesting, cheap and conservative: every `[` and `{` counts as opening a level (even in a
 * quoted string), and a line's leading spaces and `-`/`?` indicators as its block depth.
 */
function nestsTooDeep(raw: string): boolean {
  let flowDepth = 0;
  let lineIndent = 0;
  let atLineStart = true;
  for (let index = 0; index < raw.length; index += 1) {
    const char = raw[index];
    if (char === '\n') {
      atLineStart = true;
      lineIndent = 0;
      continue;
    }
    if (atLineStart) {
      const next = raw[index + 1];
      const indicator = (char === '-' || char === '?') && (next === ' ' || next === '\n' || next === undefined);
      if (char === ' ' || char === '\t' || indicator) {
        lineIndent += 1;
        if (lineIndent > kubeconfigLimits.maxLineIndent) return true;
        continue;
      }
      atLineStart = false;
    }
    if (char === '[' || char === '{') {
      flowDepth += 1;
      if (flowDepth > kubeconfigLimits.maxFlowDepth) return true;
    } else if ((char === ']' || char === '}') && flowDepth > 0) {
      flowDepth -= 1;
    }
  }
  return false;
}

export function isMap(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function namedEntries(document: Fields, list: string, inner: string): NamedEntry[] {
  const entries = document[list];
  if (entries === undefined || entries === null) return [];
  if (!Array.isArray(entries)) throw new KubeconfigParseError(`kubeconfig ${list} is not a list`);
  if (entries.length > kubeconfigLimits.maxEntries) {
    throw new KubeconfigParseError(`kubeconfig has more than ${kubeconfigLimits.maxEntries} ${list}`);
  }
  const named: NamedEntry[] = [];
  for (const entry of entries) {
    if (!isMap(entry)) continue;
    const { name } = entry;
    if (typeof name !== 'string' || name === '' || name.length > kubeconfigLimits.maxNameLength) continue;
    const fields = entry[inner];
    // An absent or empty inner map is valid (a user without credentials); anything else but a map is not.
    named.push({ name, fields: fields === undefined || fields === null ? {} : isMap(fields) ? fields : null });
  }
  return named;
}

function firstByName(entries: readonly NamedEntry[]): Map<string, Fields | null> {
  const byName = new Map<string, Fields | null>();
  for (const entry of entries) if (!byName.has(entry.name)) byName.set(entry.name, entry.fields);
  return byName;
}
