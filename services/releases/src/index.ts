// The service's public entry point for code outside it (integration tests, benchmarks): server.ts runs the
// service, this module only exports.
export { buildApp, type ReleasesApp, type ReleasesAppConfig, type ReleasesDeps } from './app.js';
export { ReleasesConfig } from './config.js';
export type { HelmRelease } from './helm/codec.js';
export { secretsDriver } from './helm/drivers/secrets.js';
export { ReleaseDecoder, releaseDecoderOptions } from './helm/release-decoder.js';
export { KubeApi } from './kube/api.js';
export { ClusterAddressPolicy } from './kube/address-policy.js';
export { ClusterEgressProxy } from './kube/egress-proxy.js';
export { clusterAccessOf, minimalKubeconfig } from './kube/kubeconfig.js';
export { decodeMetadataList, metadataListAccept } from './kube/object-metadata.js';
