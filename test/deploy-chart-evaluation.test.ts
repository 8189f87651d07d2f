import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { admits, container, find, ofKind, render, secretValue, type KubeObject } from './support/chart.js';
import { platformServices } from './support/readme-config.js';

/**
 * The chart with no values (helm template, no cluster): the evaluation servers it runs itself, the secrets it
 * generates, and where the services read them. `lookup` finds nothing under `helm template`, so keeping the
 * generated secrets across upgrades is tested by deploy-chart-install.test.ts against the test cluster.
 */
const prefix = 'platform-helm-release-platform';
const servers = ['mongodb', 'redis', 'nats'] as const;
type Server = (typeof servers)[number];
const serverPorts: Record<Server, number> = { mongodb: 27017, redis: 6379, nats: 4222 };
const chartSecret = prefix;
const generatedSecret = `${prefix}-generated`;

type EnvEntry = { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } };
const envOf = (workload: KubeObject): EnvEntry[] => container(workload).env ?? [];
const refOf = (workload: KubeObject, variable: string) => envOf(workload).find((entry) => entry.name === variable)?.valueFrom?.secretKeyRef;

describe('helm template with no values', () => {
  let objects: KubeObject[];
  before(async () => {
    objects = await render([]);
  });

  test('renders the platform and a StatefulSet, Service and NetworkPolicy per evaluation server', () => {
    const names = (kind: string) =>
      ofKind(objects, kind)
        .map((object) => object.metadata.name)
        .sort();
    assert.deepEqual(names('StatefulSet'), servers.map((server) => `${prefix}-${server}`).sort());
    assert.deepEqual(names('Deployment'), platformServices.map((service) => `${prefix}-${service}`).sort());
    const everyWorkload = [...servers, ...platformServices].map((component) => `${prefix}-${component}`).sort();
    assert.deepEqual(names('Service'), everyWorkload);
    assert.deepEqual(names('NetworkPolicy'), everyWorkload);
    assert.deepEqual(names('Secret'), [chartSecret, generatedSecret]);
    assert.deepEqual(names('Pod'), [`${prefix}-test`]);
    for (const server of servers) {
      const service = find(objects, 'Service', `${prefix}-${server}`);
      const statefulSet = find(objects, 'StatefulSet', `${prefix}-${server}`);
      assert.deepEqual(service.spec.selector, statefulSet.spec.selector.matchLabels);
      assert.deepEqual(service.spec.ports, [{ name: server, port: serverPorts[server], targetPort: server, protocol: 'TCP' }]);
      assert.equal(statefulSet.spec.serviceName, service.metadata.name);
    }
  });

  test('evaluation servers: one replica, pinned official image, probes, non-root, read-only root, data on a PVC', () => {
    const sizes: Record<Server, string> = { mongodb: '8Gi', redis: '1Gi', nats: '2Gi' };
    const dataPaths: Record<Server, string> = { mongodb: '/data/db', redis: '/data', nats: '/data' };
    const images: Record<Server, string> = { mongodb: 'mongo', redis: 'redis', nats: 'nats' };
    for (const server of servers) {
      const statefulSet = find(objects, 'StatefulSet', `${prefix}-${server}`);
      assert.equal(statefulSet.spec.replicas, 1);
      const pod = statefulSet.spec.template.spec;
      const main = container(statefulSet);
      assert.match(main.image, new RegExp(`^docker\\.io/library/${images[server]}:\\d+\\.\\d+\\.\\d+(-alpine)?$`), 'an official image pinned to a release');
      assert.ok(main.readinessProbe && main.livenessProbe, `${server} has readiness and liveness probes`);
      assert.ok(main.ports.some((port: { name: string; containerPort: number }) => port.name === server && port.containerPort === serverPorts[server]));
      assert.ok(main.resources.requests.memory && main.resources.limits.memory);
      assert.equal(pod.securityContext.runAsNonRoot, true);
      assert.ok(pod.securityContext.runAsUser > 0);
      assert.equal(pod.securityContext.fsGroup, pod.securityContext.runAsGroup, 'the volume is writable by the server');
      assert.deepEqual(pod.securityContext.seccompProfile, { type: 'RuntimeDefault' });
      assert.equal(pod.automountServiceAccountToken, false);
      assert.equal(main.securityContext.readOnlyRootFilesystem, true);
      assert.equal(main.securityContext.allowPrivilegeEscalation, false);
      assert.deepEqual(main.securityContext.capabilities.drop, ['ALL']);
      assert.ok(main.volumeMounts.some((mount: { name: string; mountPath: string }) => mount.name === 'data' && mount.mountPath === dataPaths[server]));
      assert.ok(!pod.volumes.some((volume: { name: string }) => volume.name === 'data'), 'data is the PVC, not a pod volume');
      const [claim, ...others] = statefulSet.spec.volumeClaimTemplates;
      assert.equal(others.length, 0);
      assert.equal(claim.metadata.name, 'data');
      assert.deepEqual(claim.spec.accessModes, ['ReadWriteOnce']);
      assert.equal(claim.spec.resources.requests.storage, sizes[server]);
      assert.equal(claim.spec.storageClassName, undefined, "the cluster's default storage class");
    }
    const nats = container(find(objects, 'StatefulSet', `${prefix}-nats`));
    assert.ok(nats.args.includes('--jetstream'), 'JetStream on');
    assert.equal(nats.args[nats.args.indexOf('--store_dir') + 1], '/data', 'JetStream stores its files on the volume');
    assert.equal(nats.readinessProbe.httpGet.port, 'monitor');
  });

  test('secrets: generated into their own kept Secret; the chart Secret holds URLs made with the generated passwords', () => {
    const generated = find(objects, 'Secret', generatedSecret);
    assert.equal(generated.metadata.annotations?.['helm.sh/resource-policy'], 'keep');
    assert.deepEqual(Object.keys(generated.data ?? {}).sort(), ['INTERNAL_SIGNING_SECRET', 'KUBECONFIG_ENCRYPTION_KEYS', 'MONGODB_PASSWORD', 'REDIS_PASSWORD']);
    assert.match(secretValue(objects, generatedSecret, 'INTERNAL_SIGNING_SECRET'), /^[A-Za-z0-9]{64}$/);
    const [id, key] = secretValue(objects, generatedSecret, 'KUBECONFIG_ENCRYPTION_KEYS').split(':');
    assert.equal(id, 'k1');
    assert.equal(Buffer.from(key!, 'base64').length, 32, 'one 32-byte key');
    const mongoPassword = secretValue(objects, generatedSecret, 'MONGODB_PASSWORD');
    const redisPassword = secretValue(objects, generatedSecret, 'REDIS_PASSWORD');
    assert.match(mongoPassword, /^[A-Za-z0-9]{32}$/);
    assert.notEqual(mongoPassword, redisPassword);

    assert.deepEqual(Object.keys(find(objects, 'Secret', chartSecret).data ?? {}).sort(), ['MONGO_URL', 'NATS_URL', 'REDIS_URL']);
    assert.equal(secretValue(objects, chartSecret, 'MONGO_URL'), `mongodb://platform:${mongoPassword}@${prefix}-mongodb:27017/platform?authSource=admin`);
    assert.equal(secretValue(objects, chartSecret, 'REDIS_URL'), `redis://:${redisPassword}@${prefix}-redis:6379`);
    assert.equal(secretValue(objects, chartSecret, 'NATS_URL'), `nats://${prefix}-nats:4222`);

    const mongodb = find(objects, 'StatefulSet', `${prefix}-mongodb`);
    assert.deepEqual(refOf(mongodb, 'MONGO_INITDB_ROOT_PASSWORD'), { name: generatedSecret, key: 'MONGODB_PASSWORD' });
    assert.equal(envOf(mongodb).find((entry) => entry.name === 'MONGO_INITDB_ROOT_USERNAME')?.value, 'platform');
    const redis = find(objects, 'StatefulSet', `${prefix}-redis`);
    assert.deepEqual(refOf(redis, 'REDIS_PASSWORD'), { name: generatedSecret, key: 'REDIS_PASSWORD' });
    const redisArgs = container(redis).args as string[];
    assert.equal(redisArgs[redisArgs.indexOf('--requirepass') + 1], '$(REDIS_PASSWORD)', 'the password from the env, not the spec');
  });

  test("services read the URLs from the chart Secret and the platform's secrets from the generated one", () => {
    const deployment = (service: string) => find(objects, 'Deployment', `${prefix}-${service}`);
    assert.deepEqual(refOf(deployment('users'), 'MONGO_URL'), { name: chartSecret, key: 'MONGO_URL' });
    assert.deepEqual(refOf(deployment('users'), 'KUBECONFIG_ENCRYPTION_KEYS'), { name: generatedSecret, key: 'KUBECONFIG_ENCRYPTION_KEYS' });
    assert.deepEqual(refOf(deployment('gateway'), 'REDIS_URL'), { name: chartSecret, key: 'REDIS_URL' });
    for (const service of platformServices) {
      assert.deepEqual(refOf(deployment(service), 'NATS_URL'), { name: chartSecret, key: 'NATS_URL' });
      assert.deepEqual(refOf(deployment(service), 'INTERNAL_SIGNING_SECRET'), { name: generatedSecret, key: 'INTERNAL_SIGNING_SECRET' });
    }
    for (const workload of [...ofKind(objects, 'Deployment'), ...ofKind(objects, 'StatefulSet')]) {
      for (const { valueFrom } of envOf(workload)) {
        if (valueFrom) secretValue(objects, valueFrom.secretKeyRef.name, valueFrom.secretKeyRef.key);
      }
    }
  });

  test("NetworkPolicies: each evaluation server admits only the platform's services that use it", () => {
    const labelsOf = (kind: string, objectName: string) =>
      find(objects, kind, objectName).spec.template?.metadata.labels ?? find(objects, kind, objectName).metadata.labels;
    const peers: Record<string, Record<string, string>> = {
      ...Object.fromEntries(platformServices.map((service) => [service, labelsOf('Deployment', `${prefix}-${service}`)])),
      ...Object.fromEntries(servers.map((server) => [server, labelsOf('StatefulSet', `${prefix}-${server}`)])),
      'helm-test': find(objects, 'Pod', `${prefix}-test`).metadata.labels!,
      'another release': { ...labelsOf('Deployment', `${prefix}-users`), 'app.kubernetes.io/instance': 'other' },
      stranger: { app: 'something-else' },
    };
    const admitted = (server: Server) => {
      const policy = find(objects, 'NetworkPolicy', `${prefix}-${server}`);
      assert.deepEqual(policy.spec.podSelector.matchLabels, find(objects, 'StatefulSet', `${prefix}-${server}`).spec.selector.matchLabels);
      assert.deepEqual(
        policy.spec.ingress.flatMap((rule: { ports: { port: string }[] }) => rule.ports.map((port) => port.port)),
        [server],
      );
      return Object.keys(peers).filter((peer) => admits(policy, peers[peer]!));
    };
    assert.deepEqual(admitted('mongodb'), ['users']);
    assert.deepEqual(admitted('redis'), ['gateway']);
    assert.deepEqual(admitted('nats'), ['gateway', 'users', 'releases']);
  });

  test('the helm test hook: a Pod that runs the gateway check against the gateway Service, in the gateway image', () => {
    const pod = find(objects, 'Pod', `${prefix}-test`);
    assert.equal(pod.metadata.annotations?.['helm.sh/hook'], 'test');
    assert.equal(pod.spec.restartPolicy, 'Never');
    assert.equal(pod.spec.automountServiceAccountToken, false);
    assert.equal(pod.spec.securityContext.runAsNonRoot, true);
    const [check] = pod.spec.containers;
    assert.equal(check.image, 'helm-release-platform/gateway:0.1.0');
    assert.deepEqual(check.command.slice(0, 2), ['node', '-e']);
    assert.match(check.command[2], /\/readyz/);
    assert.match(check.command[2], /\/openapi\.json/);
    const gatewayService = find(objects, 'Service', `${prefix}-gateway`);
    const url = check.env.find((entry: EnvEntry) => entry.name === 'GATEWAY_URL').value;
    assert.equal(url, `http://${gatewayService.metadata.name}:${gatewayService.spec.ports[0].port}`);
    assert.equal(check.securityContext.readOnlyRootFilesystem, true);
  });
});

describe('helm template with some values given', () => {
  test('a server given a URL is not run; only what is missing is generated', async () => {
    const objects = await render(
      [],
      ['mongodb.url=mongodb://db.example:27017/platform', 'secrets.internalSigningSecret=given-signing-secret-0123456789abcdef'],
    );
    assert.deepEqual(
      ofKind(objects, 'StatefulSet')
        .map((object) => object.metadata.name)
        .sort(),
      [`${prefix}-nats`, `${prefix}-redis`],
    );
    assert.deepEqual(Object.keys(find(objects, 'Secret', generatedSecret).data ?? {}).sort(), ['KUBECONFIG_ENCRYPTION_KEYS', 'REDIS_PASSWORD']);
    assert.equal(secretValue(objects, chartSecret, 'MONGO_URL'), 'mongodb://db.example:27017/platform');
    assert.equal(secretValue(objects, chartSecret, 'INTERNAL_SIGNING_SECRET'), 'given-signing-secret-0123456789abcdef');
    const users = find(objects, 'Deployment', `${prefix}-users`);
    assert.deepEqual(refOf(users, 'INTERNAL_SIGNING_SECRET'), { name: chartSecret, key: 'INTERNAL_SIGNING_SECRET' });
    assert.deepEqual(refOf(users, 'KUBECONFIG_ENCRYPTION_KEYS'), { name: generatedSecret, key: 'KUBECONFIG_ENCRYPTION_KEYS' });
    assert.equal(
      ofKind(objects, 'NetworkPolicy').some((policy) => policy.metadata.name === `${prefix}-mongodb`),
      false,
    );
  });

  test('persistence: emptyDir when disabled, a named storage class, or none with "-"', async () => {
    const objects = await render(
      [],
      ['mongodb.evaluation.persistence.enabled=false', 'redis.evaluation.persistence.storageClass=fast-ssd', 'nats.evaluation.persistence.storageClass=-'],
    );
    const mongodb = find(objects, 'StatefulSet', `${prefix}-mongodb`);
    assert.equal(mongodb.spec.volumeClaimTemplates, undefined);
    assert.deepEqual(
      mongodb.spec.template.spec.volumes.find((volume: { name: string }) => volume.name === 'data'),
      { name: 'data', emptyDir: { sizeLimit: '8Gi' } },
    );
    assert.equal(find(objects, 'StatefulSet', `${prefix}-redis`).spec.volumeClaimTemplates[0].spec.storageClassName, 'fast-ssd');
    assert.equal(find(objects, 'StatefulSet', `${prefix}-nats`).spec.volumeClaimTemplates[0].spec.storageClassName, '');
  });

  test('an image digest pins the bytes: the pod pulls repository:tag@digest', async () => {
    const digest = `sha256:${'0123456789abcdef'.repeat(4)}`;
    const objects = await render([], [`redis.evaluation.image.digest=${digest}`]);
    assert.equal(container(find(objects, 'StatefulSet', `${prefix}-redis`)).image, `docker.io/library/redis:7.2.6@${digest}`);
    assert.equal(container(find(objects, 'StatefulSet', `${prefix}-mongodb`)).image, 'docker.io/library/mongo:7.0.15', 'by tag where no digest is given');
  });

  test('networkPolicy.enabled=false drops the evaluation servers’ policies with the others', async () => {
    const objects = await render([], ['networkPolicy.enabled=false']);
    assert.equal(ofKind(objects, 'NetworkPolicy').length, 0);
    assert.equal(ofKind(objects, 'StatefulSet').length, 3);
  });
});
