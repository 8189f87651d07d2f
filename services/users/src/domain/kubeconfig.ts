import { KubeConfig } from '@kubernetes/client-node';
import type { KubeContext } from '@platform/contracts';

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
    config.loadFromString(raw);
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
