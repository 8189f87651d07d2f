import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { kubeconfigPath } from '@platform/test-support';
import { chartDir, ciValues, helm, parseManifests, valuesFile, type HelmResult, type KubeObject } from './support/chart.js';
import { deleteNamespace, kubeApi } from './support/kube.js';

/**
 * The chart installed and upgraded for real into the test kube-apiserver, which validates every object
 * (it has no scheduler or kubelet: the objects are stored, pods never run and no image is pulled, so helm
 * never waits for them and `helm test` could not pass here; the test Pod's spec is checked instead, and its
 * script is run against a real platform by deploy-chart-hook.test.ts). Each install gets its own namespace,
 * emptied and deleted at the end (there is no controller manager to do either).
 */
const release = 'platform';
const prefix = `${release}-helm-release-platform`;
const suffix = randomBytes(3).toString('hex');
const namespaces: string[] = [];
let kubeconfig: string;

function namespaceFor(label: string): string {
  const namespace = `deploy-chart-${label}-${suffix}`;
  namespaces.push(namespace);
  return namespace;
}

async function helmIn(namespace: string, args: string[]): Promise<HelmResult> {
  const result = await helm([...args, '--kubeconfig', kubeconfig, '--kube-context', 'admin', '--namespace', namespace]);
  assert.equal(result.code, 0, `helm ${args[0]} failed: ${result.stderr}`);
  return result;
}

async function statusOf(namespace: string): Promise<[string, number]> {
  const status = JSON.parse((await helmIn(namespace, ['status', release, '-o', 'json'])).stdout) as { info: { status: string }; version: number };
  return [status.info.status, status.version];
}

const plurals: Record<string, string> = {
  ConfigMap: 'configmaps',
  Secret: 'secrets',
  Service: 'services',
  ServiceAccount: 'serviceaccounts',
  Pod: 'pods',
  Deployment: 'deployments',
  StatefulSet: 'statefulsets',
  NetworkPolicy: 'networkpolicies',
  Ingress: 'ingresses',
  PodDisruptionBudget: 'poddisruptionbudgets',
  HorizontalPodAutoscaler: 'horizontalpodautoscalers',
};
function objectPath(namespace: string, apiVersion: string, kind: string, name = ''): string {
  const group = apiVersion === 'v1' ? '/api/v1' : `/apis/${apiVersion}`;
  assert.ok(plurals[kind], `known kind ${kind}`);
  return `${group}/namespaces/${namespace}/${plurals[kind]}${name ? `/${name}` : ''}`;
}

async function get<T = KubeObject>(namespace: string, apiVersion: string, kind: string, name: string): Promise<T> {
  const { status, json } = await kubeApi('GET', objectPath(namespace, apiVersion, kind, name));
  assert.equal(status, 200, `GET ${kind} ${name}`);
  return json as T;
}

async function listNames(namespace: string, apiVersion: string, kind: string): Promise<string[]> {
  const { status, json } = await kubeApi('GET', objectPath(namespace, apiVersion, kind));
  assert.equal(status, 200, `GET ${kind} list`);
  return (json as { items: KubeObject[] }).items.map((item) => item.metadata.name).sort();
}

/** The release's manifest, each object checked to exist in the cluster. */
async function installedObjects(namespace: string): Promise<KubeObject[]> {
  const manifest = parseManifests((await helmIn(namespace, ['get', 'manifest', release])).stdout);
  for (const object of manifest) await get(namespace, object.apiVersion, object.kind, object.metadata.name);
  return manifest;
}

const secretData = async (namespace: string, name: string) => (await get<{ data: Record<string, string> }>(namespace, 'v1', 'Secret', name)).data;
const decoded = (data: Record<string, string>, key: string) => Buffer.from(data[key] ?? '', 'base64').toString();
const secretChecksum = async (namespace: string, service: string) =>
  (await get(namespace, 'apps/v1', 'Deployment', `${prefix}-${service}`)).spec.template.metadata.annotations['checksum/secret'] as string;

before(async () => {
  kubeconfig = await kubeconfigPath();
});
after(async () => {
  for (const namespace of namespaces) {
    await helm(['uninstall', release, '--kubeconfig', kubeconfig, '--kube-context', 'admin', '--namespace', namespace]);
    await kubeApi('DELETE', objectPath(namespace, 'v1', 'Secret', `${prefix}-generated`));
    await deleteNamespace(namespace);
  }
});

describe('helm install and upgrade with no values', () => {
  const namespace = namespaceFor('novalues');
  let generated: Record<string, string>;
  let urls: Record<string, string>;

  test('install creates the platform, the three evaluation servers and the generated secrets', async () => {
    const installed = await helmIn(namespace, ['install', release, chartDir, '--create-namespace']);
    assert.match(installed.stdout, /EVALUATION ONLY: the chart runs mongodb, redis, nats itself, one replica each: not highly available/);
    assert.match(installed.stdout, new RegExp(`kubectl -n ${namespace} port-forward service/${prefix}-gateway 8080:8080`));
    assert.match(installed.stdout, new RegExp(`helm test ${release} -n ${namespace}`));
    assert.match(installed.stdout, /curl -sS -X POST http:\/\/localhost:8080\/api\/users /);
    assert.match(installed.stdout, new RegExp(`get secret ${prefix}-generated -o jsonpath='\\{\\.data\\.KUBECONFIG_ENCRYPTION_KEYS\\}' \\| base64 -d`));
    assert.deepEqual(await statusOf(namespace), ['deployed', 1]);
    const manifest = await installedObjects(namespace);
    const count = (kind: string) => manifest.filter((object) => object.kind === kind).length;
    assert.deepEqual([count('StatefulSet'), count('Deployment'), count('Service'), count('NetworkPolicy'), count('Secret')], [3, 3, 6, 6, 2]);
    assert.deepEqual(await listNames(namespace, 'apps/v1', 'StatefulSet'), [`${prefix}-mongodb`, `${prefix}-nats`, `${prefix}-redis`]);
    const nats = await get(namespace, 'apps/v1', 'StatefulSet', `${prefix}-nats`);
    assert.equal(nats.spec.volumeClaimTemplates[0].spec.resources.requests.storage, '2Gi');

    generated = await secretData(namespace, `${prefix}-generated`);
    urls = await secretData(namespace, prefix);
    assert.deepEqual(Object.keys(generated).sort(), ['INTERNAL_SIGNING_SECRET', 'KUBECONFIG_ENCRYPTION_KEYS', 'MONGODB_PASSWORD', 'REDIS_PASSWORD']);
    assert.ok(decoded(urls, 'MONGO_URL').includes(`:${decoded(generated, 'MONGODB_PASSWORD')}@`), 'MONGO_URL carries the generated password');
    assert.ok(decoded(urls, 'REDIS_URL').includes(`:${decoded(generated, 'REDIS_PASSWORD')}@`), 'REDIS_URL carries the generated password');
  });

  test('two renders that look the cluster up print the installed secrets byte for byte; a render that cannot does not', async () => {
    const renderedSecrets = async (flags: string[]) =>
      Object.fromEntries(
        parseManifests((await helmIn(namespace, ['template', release, chartDir, ...flags])).stdout)
          .filter((object) => object.kind === 'Secret')
          .map((secret) => [secret.metadata.name, secret.data]),
      );
    const installed = { [prefix]: urls, [`${prefix}-generated`]: generated };
    assert.deepEqual(await renderedSecrets(['--dry-run=server']), installed);
    assert.deepEqual(await renderedSecrets(['--dry-run=server']), installed);
    const offline = await renderedSecrets([]);
    assert.notDeepEqual(offline[`${prefix}-generated`], generated, 'without lookup, helm template generates anew');
  });

  test('the test hook is stored with the release, not created until `helm test`', async () => {
    const hooks = parseManifests((await helmIn(namespace, ['get', 'hooks', release])).stdout);
    const pod = hooks.find((hook) => hook.kind === 'Pod');
    assert.equal(pod?.metadata.name, `${prefix}-test`);
    assert.equal(pod?.metadata.annotations?.['helm.sh/hook'], 'test');
    assert.equal((await kubeApi('GET', objectPath(namespace, 'v1', 'Pod', `${prefix}-test`))).status, 404);
  });

  test('upgrade keeps the generated secrets byte for byte and does not roll the pods for them', async () => {
    const checksum = await secretChecksum(namespace, 'users');
    await helmIn(namespace, ['upgrade', release, chartDir, '--set', 'gateway.replicaCount=3']);
    assert.deepEqual(await statusOf(namespace), ['deployed', 2]);
    assert.deepEqual(await secretData(namespace, `${prefix}-generated`), generated);
    assert.deepEqual(await secretData(namespace, prefix), urls);
    assert.equal(await secretChecksum(namespace, 'users'), checksum, 'the same secrets, the same checksum');
    assert.equal((await get(namespace, 'apps/v1', 'Deployment', `${prefix}-gateway`)).spec.replicas, 3);
  });

  test('a value given later is used, and the generated one it replaces is still kept', async () => {
    await helmIn(namespace, ['upgrade', release, chartDir, '--set', 'secrets.internalSigningSecret=given-later-signing-secret-0123456789']);
    const users = await get(namespace, 'apps/v1', 'Deployment', `${prefix}-users`);
    const env = users.spec.template.spec.containers[0].env as { name: string; valueFrom: { secretKeyRef: { name: string } } }[];
    assert.equal(env.find((entry) => entry.name === 'INTERNAL_SIGNING_SECRET')?.valueFrom.secretKeyRef.name, prefix);
    assert.equal(decoded(await secretData(namespace, prefix), 'INTERNAL_SIGNING_SECRET'), 'given-later-signing-secret-0123456789');
    assert.deepEqual(await secretData(namespace, `${prefix}-generated`), generated);

    const dropped = await helm([
      'upgrade',
      release,
      chartDir,
      '--reset-values',
      '--kubeconfig',
      kubeconfig,
      '--kube-context',
      'admin',
      '--namespace',
      namespace,
    ]);
    assert.notEqual(dropped.code, 0, 'leaving the given secret out again would switch back to the generated one');
    assert.match(dropped.stderr, /secrets\.internalSigningSecret was given to this release before and is left out now/);
    assert.deepEqual(await statusOf(namespace), ['deployed', 3]);
  });

  test('uninstall keeps only the generated Secret; a reinstall uses it again', async () => {
    await helmIn(namespace, ['uninstall', release]);
    assert.deepEqual(await listNames(namespace, 'apps/v1', 'StatefulSet'), []);
    assert.deepEqual(await listNames(namespace, 'v1', 'Secret'), [`${prefix}-generated`]);
    await helmIn(namespace, ['install', release, chartDir]);
    assert.deepEqual(await secretData(namespace, `${prefix}-generated`), generated);
    assert.deepEqual(await secretData(namespace, prefix), urls);
  });
});

describe('secrets given at install and left out of an upgrade', () => {
  test('carry over into the generated Secret: the key in use does not change', async () => {
    const namespace = namespaceFor('carry');
    await helmIn(namespace, ['install', release, chartDir, '--create-namespace', '-f', valuesFile('default')]);
    const given = await secretData(namespace, prefix);
    // Without --reset-values, an upgrade given no values at all would reuse the release's.
    await helmIn(namespace, ['upgrade', release, chartDir, '--reset-values']);
    const generated = await secretData(namespace, `${prefix}-generated`);
    assert.equal(generated.KUBECONFIG_ENCRYPTION_KEYS, given.KUBECONFIG_ENCRYPTION_KEYS);
    assert.equal(generated.INTERNAL_SIGNING_SECRET, given.INTERNAL_SIGNING_SECRET);
    assert.deepEqual(Object.keys(generated).sort(), ['INTERNAL_SIGNING_SECRET', 'KUBECONFIG_ENCRYPTION_KEYS', 'MONGODB_PASSWORD', 'REDIS_PASSWORD']);
  });
});

describe('helm install and upgrade with each ci example', () => {
  for (const values of ciValues) {
    test(`${values} values: install and upgrade are deployed, every object stored, no evaluation server`, async () => {
      const namespace = namespaceFor(values);
      const installed = await helmIn(namespace, ['install', release, chartDir, '--create-namespace', '-f', valuesFile(values)]);
      assert.deepEqual(await statusOf(namespace), ['deployed', 1]);
      assert.doesNotMatch(installed.stdout, /EVALUATION ONLY/);
      const reached = values === 'production' ? /^ {2}https:\/\/platform\.example\.com\/api$/m : new RegExp(`port-forward service/${prefix}-gateway 8080:8080`);
      assert.match(installed.stdout, reached, 'NOTES tell how to reach the gateway: its Ingress, or a port-forward');
      if (values === 'production') assert.doesNotMatch(installed.stdout, /port-forward/);
      await helmIn(namespace, ['upgrade', release, chartDir, '-f', valuesFile(values), '--set', 'releases.config.HELM_TIMEOUT_MS=90000']);
      assert.deepEqual(await statusOf(namespace), ['deployed', 2]);
      const manifest = await installedObjects(namespace);
      assert.equal(manifest.filter((object) => object.kind === 'StatefulSet').length, 0);
      assert.ok(!manifest.some((object) => object.metadata.name === `${prefix}-generated`), 'nothing generated');
      const config = await get<{ data: Record<string, string> }>(namespace, 'v1', 'ConfigMap', `${prefix}-releases`);
      assert.equal(config.data.HELM_TIMEOUT_MS, '90000');
    });
  }
});

describe('helm install, upgrade and uninstall of the chart with the default ci values', () => {
  const namespace = namespaceFor('default-detail');

  test('install creates every object, with the Deployments the API then serves', async () => {
    await helmIn(namespace, ['install', release, chartDir, '--create-namespace', '-f', valuesFile('default')]);
    const kinds = (await installedObjects(namespace)).map((object) => object.kind).sort();
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
    assert.deepEqual(await listNames(namespace, 'apps/v1', 'Deployment'), services);
    assert.deepEqual(await listNames(namespace, 'v1', 'Service'), services);
    assert.deepEqual(await listNames(namespace, 'networking.k8s.io/v1', 'NetworkPolicy'), services);
    assert.deepEqual(await listNames(namespace, 'policy/v1', 'PodDisruptionBudget'), services);
    const users = await get(namespace, 'apps/v1', 'Deployment', `${prefix}-users`);
    assert.equal(users.spec.replicas, 2);
    assert.equal(users.spec.template.spec.containers[0].readinessProbe.httpGet.path, '/readyz');
  });

  test('upgrade applies changed values: replicas, service settings, the Ingress', async () => {
    await helmIn(namespace, [
      'upgrade',
      release,
      chartDir,
      '-f',
      valuesFile('default'),
      '--set',
      'gateway.replicaCount=3',
      '--set',
      'releases.config.HELM_TIMEOUT_MS=90000',
      '--set',
      'ingress.enabled=true',
    ]);
    assert.deepEqual(await statusOf(namespace), ['deployed', 2]);
    const history = JSON.parse((await helmIn(namespace, ['history', release, '-o', 'json'])).stdout) as { revision: number; status: string }[];
    assert.deepEqual(
      history.map((entry) => [entry.revision, entry.status]),
      [
        [1, 'superseded'],
        [2, 'deployed'],
      ],
    );
    assert.equal((await get(namespace, 'apps/v1', 'Deployment', `${prefix}-gateway`)).spec.replicas, 3);
    assert.equal((await get<{ data: Record<string, string> }>(namespace, 'v1', 'ConfigMap', `${prefix}-releases`)).data.HELM_TIMEOUT_MS, '90000');
    assert.deepEqual(await listNames(namespace, 'networking.k8s.io/v1', 'Ingress'), [`${prefix}-gateway`]);
  });

  test('uninstall removes what the chart created', async () => {
    await helmIn(namespace, ['uninstall', release]);
    assert.deepEqual(await listNames(namespace, 'apps/v1', 'Deployment'), []);
    assert.deepEqual(await listNames(namespace, 'v1', 'Secret'), []);
    const status = await helm(['status', release, '--kubeconfig', kubeconfig, '--kube-context', 'admin', '--namespace', namespace]);
    assert.notEqual(status.code, 0, 'the release is gone');
  });
});
