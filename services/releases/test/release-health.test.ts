import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReleaseHealth } from '@platform/contracts';
import { driftOf } from '../src/diff/live-drift.js';
import { objectHealth, summarize } from '../src/kube/health.js';

test('workloads: rollout and availability', () => {
  const deployment = (status: Record<string, unknown>, generation = 1) => ({
    metadata: { generation },
    spec: { replicas: 2 },
    status: { observedGeneration: 1, ...status },
  });
  assert.equal(objectHealth('Deployment', deployment({ updatedReplicas: 2, replicas: 2, availableReplicas: 2 })).status, 'Current');
  assert.deepEqual(objectHealth('Deployment', deployment({ updatedReplicas: 2, replicas: 2, availableReplicas: 1 })), {
    status: 'InProgress',
    message: '1 of 2 replicas available',
  });
  assert.equal(objectHealth('Deployment', deployment({ updatedReplicas: 2, replicas: 2, availableReplicas: 2 }, 2)).status, 'InProgress');
  assert.equal(
    objectHealth('Deployment', deployment({ conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] })).status,
    'Failed',
  );
  assert.equal(objectHealth('StatefulSet', { spec: { replicas: 1 }, status: { readyReplicas: 1, updatedReplicas: 1 } }).status, 'Current');
  assert.equal(objectHealth('DaemonSet', { status: { desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 2 } }).status, 'InProgress');
});

test('jobs, pods, claims, services, CRDs and everything else', () => {
  assert.equal(objectHealth('Job', { status: { conditions: [{ type: 'Complete', status: 'True' }], succeeded: 1 } }).status, 'Current');
  assert.equal(
    objectHealth('Job', { status: { conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }] } }).message,
    'job failed: BackoffLimitExceeded',
  );
  assert.equal(objectHealth('Job', { status: {} }).status, 'InProgress');
  assert.equal(objectHealth('Pod', { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } }).status, 'Current');
  assert.equal(objectHealth('Pod', { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] } }).status, 'InProgress');
  assert.equal(objectHealth('PersistentVolumeClaim', { status: { phase: 'Pending' } }).status, 'InProgress');
  assert.equal(objectHealth('PersistentVolumeClaim', { status: { phase: 'Bound' } }).status, 'Current');
  const service = { spec: { selector: { app: 'web' } } };
  assert.equal(objectHealth('Service', service).status, 'InProgress');
  assert.equal(objectHealth('Service', service, { subsets: [{ addresses: [{ ip: '10.0.0.1' }] }] }).status, 'Current');
  assert.equal(objectHealth('Service', { spec: { type: 'LoadBalancer' }, status: { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } } }).status, 'Current');
  assert.equal(objectHealth('CustomResourceDefinition', { status: { conditions: [{ type: 'Established', status: 'True' }] } }).status, 'Current');
  assert.deepEqual(objectHealth('ConfigMap', {}), { status: 'Current', message: 'exists' });
  assert.equal(objectHealth('Deployment', { spec: 'not an object', status: 7 }).status, 'InProgress');
});

test('the release summary is the worst status, with counts', () => {
  const counts = { Failed: 0, NotFound: 0, Unknown: 0, InProgress: 0, Current: 0 };
  assert.deepEqual(summarize(['Current', 'InProgress', 'Current']), { status: 'InProgress', counts: { ...counts, InProgress: 1, Current: 2 } });
  assert.equal(summarize(['Current', 'NotFound', 'Failed']).status, 'Failed');
  // Every status is answered, 0 when no object has it: the contract requires all five keys.
  assert.deepEqual(summarize([]), { status: 'Current', counts });
  assert.deepEqual(ReleaseHealth.parse(summarize(['Unknown'])), { status: 'Unknown', counts: { ...counts, Unknown: 1 } });
  assert.throws(() => ReleaseHealth.parse({ status: 'Current', counts: { Current: 1 } }));
});

test('drift compares only the fields the manifest sets; stringData is compared as data', () => {
  const manifest = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', labels: null }, spec: { ports: [{ port: 80 }], selector: { app: 'a' } } };
  const live = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 's', uid: 'u', resourceVersion: '9' },
    spec: { ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }], selector: { app: 'a' }, clusterIP: '10.0.0.1' },
  };
  assert.deepEqual(driftOf(manifest, live).paths, []);
  const edited = structuredClone(live);
  edited.spec.ports[0]!.port = 8080;
  edited.spec.selector.app = 'b';
  assert.deepEqual(driftOf(manifest, edited).paths, ['spec.ports[0].port', 'spec.selector.app']);
  const removedLabel = driftOf({ kind: 'ConfigMap', metadata: { name: 'c', labels: { team: 'a' } } }, { kind: 'ConfigMap', metadata: { name: 'c' } });
  assert.deepEqual(removedLabel.paths, ['metadata.labels']);
  const secret = driftOf({ kind: 'Secret', stringData: { token: 'abc' } }, { kind: 'Secret', data: { token: Buffer.from('abc').toString('base64') } });
  assert.deepEqual(secret.paths, []);
});
