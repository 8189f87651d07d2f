import { NamespacesQuery, type NamespaceList } from '@platform/contracts';
import { requireUser, type ServiceApp } from '@platform/service-kit';
import type { ClusterClientCache } from '../kube/cluster-clients.js';

/** Kubernetes' NamespaceList, as the cluster returns it. */
export function registerK8sRoutes(app: ServiceApp, clusterClients: ClusterClientCache): void {
  app.get('/api/k8s/namespaces', { schema: { querystring: NamespacesQuery } }, async (request) => {
    const client = await clusterClients.clientFor(requireUser(request), request.query.context);
    const namespaces: NamespaceList = await client.api.call('GET', '/api/v1/namespaces', 'NamespaceList');
    return namespaces;
  });
}
