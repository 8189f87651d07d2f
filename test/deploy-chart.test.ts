import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { admits, chartDir, ciValues, container, find, helm, ofKind, render, valuesFile, writeValues, type KubeObject } from './support/chart.js';
import { platformServices, variablesOf, type PlatformService } from './support/readme-config.js';

/** The platform's chart, linted and rendered with helm (no cluster): objects and the fields that matter. */
const ports: Record<PlatformService, number> = { gateway: 8080, users: 8081, releases: 8082 };
const name = (service: PlatformService) => `platform-helm-release-platform-${service}`;
const secretName = 'platform-helm-release-platform';

describe('helm lint', () => {
  for (const values of ['no', ...ciValues] as const) {
    test(`passes --strict with ${values} values`, async () => {
      const result = await helm(['lint', '--strict', chartDir, ...(values === 'no' ? [] : ['-f', valuesFile(values)])]);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.match(result.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
    });
  }
});

describe('helm template with the default values', () => {
  let objects: KubeObject[];
  before(async () => {
    objects = await render([valuesFile('default')]);
  });

  test('renders a Deployment, Service, ConfigMap, PodDisruptionBudget and NetworkPolicy per service; no HPA, Ingress or evaluation server', () => {
    for (const kind of ['Deployment', 'Service', 'ConfigMap', 'PodDisruptionBudget', 'NetworkPolicy']) {
      assert.deepEqual(
        ofKind(objects, kind)
          .map((object) => object.metadata.name)
          .sort(),
        platformServices.map(name).sort(),
        kind,
      );
    }
    assert.equal(ofKind(objects, 'HorizontalPodAutoscaler').length, 0);
    assert.equal(ofKind(objects, 'Ingress').length, 0);
    assert.equal(ofKind(objects, 'StatefulSet').length, 0, 'every server is external');
    assert.deepEqual(
      ofKind(objects, 'Secret').map((secret) => secret.metadata.name),
      [secretName],
      'nothing generated: values gave both secrets',
    );
  });

  test('Deployments: two replicas, probes on /livez and /readyz, resources, the service image and port', () => {
    for (const service of platformServices) {
      const deployment = find(objects, 'Deployment', name(service));
      assert.equal(deployment.spec.replicas, 2);
      const main = container(deployment);
      assert.equal(main.image, `helm-release-platform/${service}:0.1.0`);
      assert.deepEqual(main.ports, [{ name: 'http', containerPort: ports[service], protocol: 'TCP' }]);
      assert.deepEqual(main.livenessProbe.httpGet, { path: '/livez', port: 'http' });
      assert.deepEqual(main.readinessProbe.httpGet, { path: '/readyz', port: 'http' });
      assert.ok(main.resources.requests.cpu && main.resources.requests.memory && main.resources.limits.memory);
      const spread = deployment.spec.template.spec.topologySpreadConstraints[0];
      assert.deepEqual(spread.labelSelector.matchLabels, deployment.spec.selector.matchLabels);
      assert.equal(find(objects, 'Service', name(service)).spec.ports[0].port, ports[service]);
    }
  });

  test('pods run non-root on a read-only root filesystem, without capabilities or a service-account token', () => {
    for (const service of platformServices) {
      const deployment = find(objects, 'Deployment', name(service));
      const pod = deployment.spec.template.spec;
      assert.equal(pod.securityContext.runAsNonRoot, true);
      assert.ok(pod.securityContext.runAsUser > 0);
      assert.deepEqual(pod.securityContext.seccompProfile, { type: 'RuntimeDefault' });
      assert.equal(pod.automountServiceAccountToken, false);
      const { securityContext, volumeMounts } = container(deployment);
      assert.equal(securityContext.readOnlyRootFilesystem, true);
      assert.equal(securityContext.allowPrivilegeEscalation, false);
      assert.deepEqual(securityContext.capabilities.drop, ['ALL']);
      const helmWork = service === 'releases' ? [{ name: 'helm-work', mountPath: '/helm-work' }] : [];
      assert.deepEqual(volumeMounts, [{ name: 'tmp', mountPath: '/tmp' }, ...helmWork]);
      assert.ok(pod.volumes.some((volume: { name: string; emptyDir?: object }) => volume.name === 'tmp' && volume.emptyDir));
    }
    // helm's run folders in memory, bounded: the runtime's 64 MiB /dev/shm would not hold four runs of the largest charts.
    const releasesPod = find(objects, 'Deployment', name('releases')).spec.template.spec;
    assert.deepEqual(
      releasesPod.volumes.find((volume: { name: string }) => volume.name === 'helm-work'),
      { name: 'helm-work', emptyDir: { medium: 'Memory', sizeLimit: '96Mi' } },
    );
    assert.equal(find(objects, 'ConfigMap', name('releases')).data?.HELM_WORK_DIR, '/helm-work');
  });

  test('environment: the README’s names, every required one set, secrets from the Secret, COOKIE_SECURE true', async () => {
    const secret = find(objects, 'Secret', secretName);
    for (const service of platformServices) {
      const { known, required } = await variablesOf(service);
      const config = find(objects, 'ConfigMap', name(service)).data ?? {};
      const env = container(find(objects, 'Deployment', name(service))).env as { name: string; valueFrom: { secretKeyRef: { name: string; key: string } } }[];
      const names = [...Object.keys(config), ...env.map((entry) => entry.name)];
      for (const variable of names) assert.ok(known.has(variable), `${service} does not read ${variable}`);
      for (const variable of required) assert.ok(names.includes(variable), `${service} needs ${variable}`);
      for (const { name: variable, valueFrom } of env) {
        assert.deepEqual(valueFrom.secretKeyRef, { name: secretName, key: variable });
        assert.ok(secret.data?.[variable], `the Secret has ${variable}`);
      }
      assert.equal(config.HOST, '0.0.0.0');
      assert.equal(config.PORT, String(ports[service]));
    }
    assert.equal(find(objects, 'ConfigMap', name('gateway')).data?.COOKIE_SECURE, 'true');
    assert.equal(find(objects, 'ConfigMap', name('gateway')).data?.USERS_URL, `http://${name('users')}:8081`);
    assert.equal(find(objects, 'ConfigMap', name('releases')).data?.USERS_URL, `http://${name('users')}:8081`);
    assert.equal(Buffer.from(secret.data!.MONGO_URL!, 'base64').toString(), 'mongodb://mongodb.data.svc:27017/platform');
  });

  test('every variable a service reads can be set: by the chart, from the Secret, or under <service>.config', async () => {
    const schema = JSON.parse(await readFile(join(chartDir, 'values.schema.json'), 'utf8'));
    // HELM_BIN is the image's own helm (the Dockerfile sets it), not a deployment choice.
    const setByImage: Partial<Record<PlatformService, string[]>> = { releases: ['HELM_BIN'] };
    for (const service of platformServices) {
      const { known } = await variablesOf(service);
      const configurable = Object.keys(schema.properties[service].properties.config.properties);
      for (const variable of configurable) assert.ok(known.has(variable), `${service}.config allows ${variable}, which ${service} does not read`);
      const settable = new Set([
        ...configurable,
        ...Object.keys(find(objects, 'ConfigMap', name(service)).data ?? {}),
        ...(container(find(objects, 'Deployment', name(service))).env as { name: string }[]).map((entry) => entry.name),
        ...(setByImage[service] ?? []),
      ]);
      for (const variable of known) assert.ok(settable.has(variable), `${service} reads ${variable}, which the chart cannot set`);
    }
  });

  test('NetworkPolicies: anyone reaches the gateway; only the gateway reaches releases; gateway and releases reach users', () => {
    const podLabels = (service: PlatformService) => find(objects, 'Deployment', name(service)).spec.template.metadata.labels;
    const stranger = { app: 'something-else' };
    for (const target of platformServices) {
      const policy = find(objects, 'NetworkPolicy', name(target));
      assert.deepEqual(policy.spec.podSelector.matchLabels, find(objects, 'Deployment', name(target)).spec.selector.matchLabels);
      assert.deepEqual(policy.spec.policyTypes, ['Ingress']);
    }
    const allowed = (target: PlatformService) => {
      const policy = find(objects, 'NetworkPolicy', name(target));
      return [...platformServices.filter((caller) => admits(policy, podLabels(caller))), ...(admits(policy, stranger) ? ['stranger'] : [])];
    };
    assert.deepEqual(allowed('gateway'), ['gateway', 'users', 'releases', 'stranger']);
    assert.deepEqual(allowed('users'), ['gateway', 'releases']);
    assert.deepEqual(allowed('releases'), ['gateway']);
  });
});

describe('helm template with production values', () => {
  let objects: KubeObject[];
  before(async () => {
    objects = await render([valuesFile('production')]);
  });

  test('autoscaled services leave replicas to their HPA; PDBs stay', () => {
    const hpas = ofKind(objects, 'HorizontalPodAutoscaler');
    assert.deepEqual(hpas.map((hpa) => hpa.metadata.name).sort(), [name('gateway'), name('users')]);
    assert.deepEqual(find(objects, 'HorizontalPodAutoscaler', name('gateway')).spec.scaleTargetRef, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: name('gateway'),
    });
    assert.equal(find(objects, 'HorizontalPodAutoscaler', name('gateway')).spec.minReplicas, 3);
    assert.equal(find(objects, 'Deployment', name('gateway')).spec.replicas, undefined);
    assert.equal(find(objects, 'Deployment', name('releases')).spec.replicas, 3);
    assert.equal(ofKind(objects, 'PodDisruptionBudget').length, 3);
  });

  test('an Ingress with TLS for the gateway only', () => {
    const [ingress, ...others] = ofKind(objects, 'Ingress');
    assert.equal(others.length, 0);
    assert.equal(ingress!.spec.ingressClassName, 'nginx');
    assert.deepEqual(ingress!.spec.tls, [{ secretName: 'platform-tls', hosts: ['platform.example.com'] }]);
    assert.deepEqual(ingress!.spec.rules[0].http.paths[0].backend, { service: { name: name('gateway'), port: { name: 'http' } } });
  });

  test('images, pull secrets, service settings and the allowed peers come from values', () => {
    const releases = find(objects, 'Deployment', name('releases'));
    assert.equal(container(releases).image, 'registry.example.com/platform/releases:1.4.2');
    assert.deepEqual(releases.spec.template.spec.imagePullSecrets, [{ name: 'registry-credentials' }]);
    assert.equal(releases.spec.template.spec.terminationGracePeriodSeconds, 330);
    assert.equal(find(objects, 'ConfigMap', name('releases')).data?.CLUSTER_ADDRESS_ALLOWLIST, '10.20.0.0/16,kube.internal.example.com:6443');
    assert.equal(find(objects, 'ConfigMap', name('users')).data?.BCRYPT_COST, '13');
    const gateway = find(objects, 'ConfigMap', name('gateway')).data ?? {};
    // Per email caps every address together: it must leave room above one client's own limit.
    assert.ok(Number(gateway.LOGIN_MAX_ATTEMPTS_PER_EMAIL) > Number(gateway.LOGIN_MAX_ATTEMPTS_PER_EMAIL_AND_ADDRESS), JSON.stringify(gateway));
    assert.equal(gateway.TRUST_PROXY, '1', 'behind the Ingress, throttles count the client, not the controller');
    const gatewayPolicy = find(objects, 'NetworkPolicy', name('gateway'));
    assert.deepEqual(gatewayPolicy.spec.ingress[0].from[0], { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } });
    const testPod = find(objects, 'Pod', 'platform-helm-release-platform-test');
    assert.ok(admits(gatewayPolicy, testPod.metadata.labels!), 'the helm test pod reaches the gateway');
    assert.ok(!admits(gatewayPolicy, { app: 'something-else' }), 'other pods of the namespace do not');
    for (const service of platformServices) {
      const rules = find(objects, 'NetworkPolicy', name(service)).spec.ingress as { from?: unknown[] }[];
      assert.ok(
        rules.some((rule) => JSON.stringify(rule.from).includes('monitoring')),
        `${service} admits monitoring`,
      );
    }
  });

  test('external servers only: no StatefulSet, nothing generated', () => {
    assert.equal(ofKind(objects, 'StatefulSet').length, 0);
    assert.deepEqual(
      ofKind(objects, 'Secret').map((secret) => secret.metadata.name),
      [secretName],
    );
  });
});

describe('helm template with existing Secrets', () => {
  test('secrets and URLs are read from the named Secrets; the chart stores only what values gave it', async () => {
    const objects = await render([valuesFile('existing-secret')]);
    const secret = find(objects, 'Secret', secretName);
    assert.deepEqual(Object.keys(secret.data ?? {}), ['NATS_URL']);
    const refs = (service: PlatformService) =>
      Object.fromEntries(
        (container(find(objects, 'Deployment', name(service))).env as { name: string; valueFrom: { secretKeyRef: object } }[]).map((entry) => [
          entry.name,
          entry.valueFrom.secretKeyRef,
        ]),
      );
    assert.deepEqual(refs('users'), {
      INTERNAL_SIGNING_SECRET: { name: 'platform-secrets', key: 'INTERNAL_SIGNING_SECRET' },
      NATS_URL: { name: secretName, key: 'NATS_URL' },
      MONGO_URL: { name: 'platform-mongodb', key: 'uri' },
      KUBECONFIG_ENCRYPTION_KEYS: { name: 'platform-secrets', key: 'KUBECONFIG_ENCRYPTION_KEYS' },
    });
    assert.deepEqual(refs('gateway').REDIS_URL, { name: 'platform-redis', key: 'url' });
  });
});

describe('values.schema.json', () => {
  const rejected = async (values: string, ...messages: RegExp[]) => {
    const result = await helm(['template', 'platform', chartDir, '-f', await writeValues(values)]);
    assert.notEqual(result.code, 0, 'helm template fails');
    assert.match(result.stderr, /values don't meet the specifications of the schema/);
    for (const message of messages) assert.match(result.stderr, message);
  };

  test('rejects wrong types, unknown keys and malformed values', async () => {
    const base = await readFile(valuesFile('default'), 'utf8');
    await rejected(`${base}gateway:\n  replicaCount: two\n`, /'\/gateway\/replicaCount': got string, want integer/);
    await rejected(`${base}gateway:\n  config:\n    COOKIE_SECURE: maybe\n`, /COOKIE_SECURE/);
    await rejected(`${base}gateway:\n  config:\n    PASSWORD_WORK_MAX_PER_ADDRESS: 0\n`, /PASSWORD_WORK_MAX_PER_ADDRESS/);
    await rejected(`${base}releases:\n  config:\n    RELEASE_BODY_CACHE_MB: -1\n`, /RELEASE_BODY_CACHE_MB/);
    await rejected(`${base}users:\n  config:\n    SESSION_TTL_SECONDS: 60\n`, /'\/users\/config': additional properties 'SESSION_TTL_SECONDS' not allowed/);
    await rejected(`${base}replicas: 3\n`, /additional properties 'replicas' not allowed/);
    await rejected(base.replace('mongodb://', 'http://'), /'\/mongodb\/url': .* does not match pattern/);
    await rejected(base.replace(/kubeconfigEncryptionKeys: .*/, 'kubeconfigEncryptionKeys: k1:tooshort'), /'\/secrets\/kubeconfigEncryptionKeys'/);
    await rejected(base.replace(/internalSigningSecret: .*/, 'internalSigningSecret: too-short'), /'\/secrets\/internalSigningSecret'/);
  });

  test('rejects wrong evaluation-server settings', async () => {
    await rejected(
      'mongodb:\n  evaluation:\n    persistence: { enabled: yes-please }\n',
      /'\/mongodb\/evaluation\/persistence\/enabled': got string, want boolean/,
    );
    await rejected('redis:\n  evaluation:\n    persistence: { size: 8 }\n', /'\/redis\/evaluation\/persistence\/size': got number, want string/);
    await rejected('nats:\n  evaluation:\n    persistence: { size: 8GB }\n', /'\/nats\/evaluation\/persistence\/size': .* does not match pattern/);
    await rejected('nats:\n  evaluation:\n    replicas: 3\n', /'\/nats\/evaluation': additional properties 'replicas' not allowed/);
    await rejected('redis:\n  evaluation:\n    cacheSizeGB: 1\n', /additional properties 'cacheSizeGB' not allowed/);
    await rejected('mongodb:\n  evaluation:\n    image: { tag: "" }\n', /'\/mongodb\/evaluation\/image\/tag'/);
    await rejected('mongodb:\n  evaluation:\n    cacheSizeGB: 0.1\n', /'\/mongodb\/evaluation\/cacheSizeGB'/);
    await rejected('redis:\n  evaluation:\n    image: { digest: "7.2.6" }\n', /'\/redis\/evaluation\/image\/digest': .* does not match pattern/);
  });
});
