import type { KubeApi } from '../../kube/api.js';
import type { ReleaseBodyCache } from '../body-cache.js';
import type { RecordDecoder } from '../release-decoder.js';
import { KubeObjectReleaseDriver } from './kube-objects.js';

/** Helm's `secret` driver: Secret of type helm.sh/release.v1; `data.release` is base64 of Helm's encoded release. */
export function secretsDriver(api: KubeApi, decoder: RecordDecoder, cache?: ReleaseBodyCache): KubeObjectReleaseDriver {
  return new KubeObjectReleaseDriver(
    api,
    decoder,
    {
      driver: 'secret',
      resource: 'secrets',
      kind: 'Secret',
      extraFields: { type: 'helm.sh/release.v1' },
      wrap: (encoded) => Buffer.from(encoded).toString('base64'),
      base64Layers: 2,
    },
    cache,
  );
}
