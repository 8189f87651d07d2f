import { NamespacesQuery, type NamespaceList } from '@platform/contracts';
import { requireUser, type ServiceApp } from '@platform/service-kit';
import type { KubeClientCache } from '../kube/clients.js';

/** Kubernetes' NamespaceList, as the cluster returns it. */
export function registerK8sRoutes(app: ServiceApp, clients: KubeClientCache): void {
  app.get('/api/k8s/namespaces', { schema: { querystring: NamespacesQuery } }, async (request) => {
    const client = await clients.clientFor(requireUser(request), request.query.context);
    const namespaces: NamespaceList = await client.api.call('GET', '/api/v1/namespaces', 'NamespaceList');
    return namespaces;
  });
}
