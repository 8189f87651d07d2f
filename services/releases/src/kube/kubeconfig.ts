import { AppError } from '@platform/service-kit';
import { ErrorCode, contextUnusable, kubeconfigRefused } from '@platform/contracts';
import { KubeconfigParseError, kubeconfigContexts, type ClusterAccess } from '@platform/kubeconfig-parser';
import { stringify } from 'yaml';

export type { ClusterAccess };

export function kubeconfigInvalid(reason: string): AppError {
  return new AppError(422, ErrorCode.ValidationFailed, [kubeconfigRefused(reason)]);
}

/**
 * The cluster access of `context` in a raw kubeconfig, read by the platform's one kubeconfig parser: inline
 * credentials only, nothing in it is read from disk or run. 422/601 for a context the platform cannot use
 * (the users service refuses to allow such contexts; this holds for kubeconfigs stored before it did).
 */
export function clusterAccessOf(rawKubeConfig: string, context: string): ClusterAccess {
  let found;
  try {
    found = kubeconfigContexts(rawKubeConfig).find((entry) => entry.name === context);
  } catch (error) {
    if (error instanceof KubeconfigParseError) throw kubeconfigInvalid(error.message);
    throw error;
  }
  if (!found) throw kubeconfigInvalid(`context ${context} does not exist`);
  if (!found.usable) throw kubeconfigInvalid(contextUnusable(context, found.reason));
  return found.access;
}

/**
 * A kubeconfig with only this context, for the helm binary. `server` may be the address we checked, so that
 * helm connects where the address policy allowed (no second DNS answer); TLS still verifies the original name.
 */
export function minimalKubeconfig(access: ClusterAccess, server: URL, proxyUrl?: string): string {
  const originalHost = access.server.hostname.replace(/^\[|\]$/g, '');
  const pinnedName = server.hostname !== access.server.hostname && !isIpLiteral(originalHost) ? originalHost : undefined;
  const cluster: Record<string, unknown> = { server: server.toString().replace(/\/$/, '') };
  if (access.caData) cluster['certificate-authority-data'] = access.caData;
  if (access.insecureSkipTlsVerify) cluster['insecure-skip-tls-verify'] = true;
  const serverName = access.tlsServerName ?? pinnedName;
  if (serverName) cluster['tls-server-name'] = serverName;
  if (proxyUrl) cluster['proxy-url'] = proxyUrl;
  const user: Record<string, unknown> = {};
  if (access.clientCertificateData) user['client-certificate-data'] = access.clientCertificateData;
  if (access.clientKeyData) user['client-key-data'] = access.clientKeyData;
  if (access.token) user.token = access.token;
  if (access.username) user.username = access.username;
  if (access.password) user.password = access.password;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'cluster', cluster }],
    users: [{ name: 'user', user }],
    contexts: [{ name: access.context, context: { cluster: 'cluster', user: 'user', namespace: access.namespace } }],
    'current-context': access.context,
  });
}

export function isIpLiteral(host: string): boolean {
  return /^[0-9.]+$/.test(host) || host.includes(':');
}
