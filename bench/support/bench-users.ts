import { randomBytes } from 'node:crypto';
import { signUp, type GatewayClient } from '../../test/support/client.js';
import { testClusterKubeconfig } from '../../test/support/kubeconfig.js';
import { benchContext } from './cluster.js';

export const benchPassword = 'bench correct horse battery';

export interface BenchUser {
  client: GatewayClient;
  id: number;
  email: string;
}

/** A user signed up (and so logged in) through the gateway; with `withCluster`, allowed the test cluster's admin context. */
export async function benchUser(gatewayUrl: string, label: string, withCluster: boolean): Promise<BenchUser> {
  const email = `${label}-${randomBytes(5).toString('hex')}@bench.test`;
  const { client, id } = await signUp(gatewayUrl, email, benchPassword);
  if (withCluster) {
    const reply = await client.put(`/api/users/${id}`, { rawKubeConfig: await testClusterKubeconfig(), allowedContexts: [benchContext] });
    if (reply.status !== 204) throw new Error(`storing the kubeconfig failed: ${reply.status} ${reply.text}`);
  }
  return { client, id, email };
}
