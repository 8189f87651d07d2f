import type { KubeApi } from '../../kube/api.js';
import { KubeObjectReleaseDriver } from './kube-objects.js';

/** Helm's `secret` driver: Secret of type helm.sh/release.v1; `data.release` is base64 of Helm's encoded release. */
export function secretsDriver(api: KubeApi): KubeObjectReleaseDriver {
  return new KubeObjectReleaseDriver(api, {
    driver: 'secret',
    resource: 'secrets',
    kind: 'Secret',
    extraFields: { type: 'helm.sh/release.v1' },
    wrap: (encoded) => Buffer.from(encoded).toString('base64'),
    unwrap: (data) => Buffer.from(data, 'base64').toString('utf8'),
  });
}
