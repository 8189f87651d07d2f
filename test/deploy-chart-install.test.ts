import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { kubeconfigPath } from '@platform/test-support';
import { chartDir, helm, parseManifests, valuesFile, type HelmResult } from './support/chart.js';
import { kubeApi } from './support/kube.js';

/**
 * The chart installed and upgraded for real into the test kube-apiserver, which validates every object
 * (it has no scheduler or kubelet: the objects are stored, pods never run, so helm never waits for them).
 */
const namespace = `deploy-chart-${randomBytes(3).toString('hex')}`;
const release = 'platform';
const prefix = `${release}-helm-release-platform`;
let cluster: string[];

async function helmOk(args: string[]): Promise<HelmResult> {
  const result = await helm([...args, ...cluster]);
  assert.equal(result.code, 0, `helm ${args[0]} failed: ${result.stderr}`);
  return result;
}

async function listNames(path: string): Promise<string[]> {
  const { status, json: body } = await kubeApi('GET', path);
  assert.equal(status, 200, `GET ${path}`);
  return (body as { items: { metadata: { name: string } }[] }).items.map((item) => item.metadata.name).sort();
}

before(async () => {
  cluster = ['--kubeconfig', await kubeconfigPath(), '--kube-context', 'admin', '--namespace', namespace];
});
after(async () => {
  await helm(['uninstall', release, ...cluster]);
  // Without a controller manager the namespace stays Terminating, but nothing of the suite is left in it.
  await kubeApi('DELETE', `/api/v1/namespaces/${namespace}`);
});

describe('helm install, upgrade and uninstall of the chart', () => {
  test('install creates every object, with the Deployments the API then serves', async () => {
    await helmOk(['install', release, chartDir, '--create-namespace', '-f', valuesFile('default')]);
    const status = JSON.parse((await helmOk(['status', release, '-o', 'json'])).stdout) as { info: { status: string }; version: number };
    assert.equal(status.info.status, 'deployed');
    assert.equal(status.version, 1);

    const manifest = parseManifests((await helmOk(['get', 'manifest', release])).stdout);
    const kinds = manifest.map((object) => object.kind).sort();
    assert.deepEqual(kinds, [
      ...Array(3).fill('ConfigMap'),
      ...Array(3).fill('Deployment'),
      ...Array(3).fill('NetworkPolicy'),
      ...Array(3).fill('PodDisruptionBudget'),
      'Secret',
      ...Array(3).fill('Service'),
      'ServiceAccount',
    ]);

    const services = ['gateway', 'releases', 'users'].map((service) => `${prefix}-${service}`);
    assert.deepEqual(await listNames(`/apis/apps/v1/namespaces/${namespace}/deployments`), services);
    assert.deepEqual(await listNames(`/api/v1/namespaces/${namespace}/services`), services);
    assert.deepEqual(await listNames(`/apis/networking.k8s.io/v1/namespaces/${namespace}/networkpolicies`), services);
    assert.deepEqual(await listNames(`/apis/policy/v1/namespaces/${namespace}/poddisruptionbudgets`), services);
    const { json: body } = await kubeApi('GET', `/apis/apps/v1/namespaces/${namespace}/deployments/${prefix}-users`);
    const users = body as { spec: { replicas: number; template: { spec: { containers: { readinessProbe: { httpGet: { path: string } } }[] } } } };
    assert.equal(users.spec.replicas, 2);
    assert.equal(users.spec.template.spec.containers[0]!.readinessProbe.httpGet.path, '/readyz');
  });

  test('upgrade applies changed values: replicas, service settings, the Ingress', async () => {
    await helmOk([
      'upgrade', release, chartDir, '-f', valuesFile('default'),
      '--set', 'gateway.replicaCount=3', '--set', 'releases.config.HELM_TIMEOUT_MS=90000', '--set', 'ingress.enabled=true',
    ]);
    const status = JSON.parse((await helmOk(['status', release, '-o', 'json'])).stdout) as { info: { status: string }; version: number };
    assert.deepEqual([status.info.status, status.version], ['deployed', 2]);
    const history = JSON.parse((await helmOk(['history', release, '-o', 'json'])).stdout) as { revision: number; status: string }[];
    assert.deepEqual(history.map((entry) => [entry.revision, entry.status]), [[1, 'superseded'], [2, 'deployed']]);

    const gateway = await kubeApi('GET', `/apis/apps/v1/namespaces/${namespace}/deployments/${prefix}-gateway`);
    assert.equal((gateway.json as { spec: { replicas: number } }).spec.replicas, 3);
    const config = await kubeApi('GET', `/api/v1/namespaces/${namespace}/configmaps/${prefix}-releases`);
    assert.equal((config.json as { data: Record<string, string> }).data.HELM_TIMEOUT_MS, '90000');
    assert.deepEqual(await listNames(`/apis/networking.k8s.io/v1/namespaces/${namespace}/ingresses`), [`${prefix}-gateway`]);
  });

  test('uninstall removes what the chart created', async () => {
    await helmOk(['uninstall', release]);
    assert.deepEqual(await listNames(`/apis/apps/v1/namespaces/${namespace}/deployments`), []);
    assert.deepEqual(await listNames(`/api/v1/namespaces/${namespace}/secrets`), []);
    const status = await helm(['status', release, ...cluster]);
    assert.notEqual(status.code, 0, 'the release is gone');
  });
});
