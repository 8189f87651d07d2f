import type { KubeApi } from '../../kube/api.js';
import type { ReleaseBodyCache } from '../body-cache.js';
import type { RecordDecoder } from '../release-decoder.js';
import { KubeObjectReleaseDriver } from './kube-objects.js';

/** Helm's `configmap` driver: `data.release` holds Helm's encoded release as it is. */
export function configMapsDriver(api: KubeApi, decoder: RecordDecoder, cache?: ReleaseBodyCache): KubeObjectReleaseDriver {
  return new KubeObjectReleaseDriver(
    api,
    decoder,
    {
      driver: 'configmap',
      resource: 'configmaps',
      kind: 'ConfigMap',
      extraFields: {},
      wrap: (encoded) => encoded,
      base64Layers: 1,
    },
    cache,
  );
}
