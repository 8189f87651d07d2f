import { readFile } from 'node:fs/promises';
import { kubeconfigPath } from '@platform/test-support';

/** The test cluster's kubeconfig text (contexts `admin` and `limited`, inline credentials). */
export async function testClusterKubeconfig(): Promise<string> {
  return readFile(await kubeconfigPath(), 'utf8');
}

/** A small kubeconfig with two contexts on made-up clusters, for the users half of the API. */
export function sampleKubeconfig(server = 'https://cluster.example.test:6443'): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: prod',
    '  cluster:',
    `    server: ${server}`,
    '- name: staging',
    '  cluster:',
    '    server: https://staging.example.test',
    'users:',
    '- name: alice',
    '  user:',
    '    token: sample-token-value-0123456789',
    'contexts:',
    '- name: prod-ctx',
    '  context: { cluster: prod, user: alice }',
    '- name: staging-ctx',
    '  context: { cluster: staging, user: alice }',
    '- name: dangling-ctx',
    '  context: { cluster: missing, user: alice }',
    'current-context: prod-ctx',
    '',
  ].join('\n');
}
