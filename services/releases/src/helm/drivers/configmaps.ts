import type { KubeApi } from '../../kube/api.js';
import { KubeObjectReleaseDriver } from './kube-objects.js';

/** Helm's `configmap` driver: `data.release` holds Helm's encoded release as it is. */
export function configMapsDriver(api: KubeApi): KubeObjectReleaseDriver {
  return new KubeObjectReleaseDriver(api, {
    driver: 'configmap',
    resource: 'configmaps',
    kind: 'ConfigMap',
    extraFields: {},
    wrap: (encoded) => encoded,
    unwrap: (data) => data,
  });
}
