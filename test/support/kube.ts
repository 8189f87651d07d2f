import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { kubeconfigPath } from '@platform/test-support';
import { parse } from 'yaml';

interface Kubeconfig {
  clusters: Array<{ name: string; cluster: { server: string; 'certificate-authority-data': string } }>;
  users: Array<{ name: string; user: { token: string } }>;
  contexts: Array<{ name: string; context: { cluster: string; user: string } }>;
}

/**
 * The Kubernetes API of a test cluster as its `admin` context reaches it (the shared cluster unless a
 * kubeconfig file is named): for reading what was applied, and for what no controller does here, such as
 * completing a Job.
 */
export async function kubeApi(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
  kubeconfigFile?: string,
): Promise<{ status: number; json: unknown }> {
  const config = parse(await readFile(kubeconfigFile ?? (await kubeconfigPath()), 'utf8')) as Kubeconfig;
  const context = config.contexts.find((entry) => entry.name === 'admin')!.context;
  const cluster = config.clusters.find((entry) => entry.name === context.cluster)!.cluster;
  const token = config.users.find((entry) => entry.name === context.user)!.user.token;
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      new URL(path, cluster.server),
      {
        method,
        ca: Buffer.from(cluster['certificate-authority-data'], 'base64'),
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(payload ? { 'content-type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json' } : {}),
        },
        timeout: 10_000,
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, json: text ? JSON.parse(text) : undefined }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

/** Marks a Job complete, as the job controller (which does not run on the test cluster) would. */
export async function completeJob(namespace: string, name: string, kubeconfigFile?: string): Promise<void> {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const condition = (type: string) => ({ type, status: 'True', lastTransitionTime: now });
  const reply = await kubeApi(
    'PATCH',
    `/apis/batch/v1/namespaces/${namespace}/jobs/${name}/status`,
    { status: { startTime: now, completionTime: now, succeeded: 1, conditions: [condition('SuccessCriteriaMet'), condition('Complete')] } },
    kubeconfigFile,
  );
  if (reply.status !== 200) throw new Error(`completing job ${namespace}/${name}: HTTP ${reply.status} ${JSON.stringify(reply.json)}`);
}

/**
 * Deletes a namespace, then drops its finalizer as the namespace controller (which does not run on the test
 * cluster) would once the namespace is empty: otherwise it stays Terminating for good. Empty it first.
 */
export async function deleteNamespace(namespace: string, kubeconfigFile?: string): Promise<void> {
  await kubeApi('DELETE', `/api/v1/namespaces/${namespace}`, undefined, kubeconfigFile);
  const finalized = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace }, spec: { finalizers: [] } };
  const reply = await kubeApi('PUT', `/api/v1/namespaces/${namespace}/finalize`, finalized, kubeconfigFile);
  if (reply.status !== 200 && reply.status !== 404) throw new Error(`finalizing namespace ${namespace}: HTTP ${reply.status} ${JSON.stringify(reply.json)}`);
}
