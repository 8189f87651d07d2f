import { KubeConfig } from '@kubernetes/client-node';
import type { KubeContext } from '@platform/contracts';
import { parse } from 'yaml';

/** A context whose cluster and user both exist in the kubeconfig. */
export type UsableContext = Omit<KubeContext, 'selected'>;

export class UnparseableKubeconfigError extends Error {
  override readonly name = 'UnparseableKubeconfigError';
}

/**
 * The usable contexts of a kubeconfig (YAML or JSON), sorted by name. Throws UnparseableKubeconfigError
 * when the text is not a kubeconfig: the client library throws on some malformed input and silently
 * yields an empty config on other input (a bare word), and both are refused.
 */
export function usableContexts(raw: string): UsableContext[] {
  const config = new KubeConfig();
  try {
    config.loadFromString(withoutFileReferences(raw));
  } catch (error) {
    throw new UnparseableKubeconfigError('kubeconfig could not be parsed', { cause: error });
  }
  const clusters = config.getClusters();
  const users = config.getUsers();
  const contexts = config.getContexts();
  if (clusters.length + users.length + contexts.length === 0) {
    throw new UnparseableKubeconfigError('kubeconfig has no clusters, users or contexts');
  }
  const byName = new Map<string, UsableContext>();
  for (const context of contexts) {
    // YAML lets names be numbers or maps; only strings name anything a client can select.
    if (typeof context.name !== 'string' || typeof context.cluster !== 'string' || typeof context.user !== 'string') continue;
    const cluster = clusters.find((candidate) => candidate.name === context.cluster);
    const user = users.find((candidate) => candidate.name === context.user);
    if (!cluster || !user || typeof cluster.server !== 'string' || byName.has(context.name)) continue;
    byName.set(context.name, { name: context.name, server: cluster.server, cluster: cluster.name, user: user.name });
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The kubeconfig as JSON without the one key client-node acts on while parsing: it reads a user's
 * `token-file` from this server's disk. A kubeconfig is user input, so no path in it is ever opened here
 * (nor may the answer tell whether a file exists). Aliases are bounded against YAML bombs.
 */
function withoutFileReferences(raw: string): string {
  const document: unknown = parse(raw, { maxAliasCount: 100 });
  const users = (document as { users?: unknown } | null)?.users;
  if (Array.isArray(users)) {
    for (const entry of users) {
      const user = (entry as { user?: unknown } | null)?.user;
      if (user && typeof user === 'object') delete (user as Record<string, unknown>)['token-file'];
    }
  }
  return JSON.stringify(document ?? null);
}
