import { AppError } from '@platform/service-kit';
import { ErrorCode, z } from '@platform/contracts';
import { parse, stringify } from 'yaml';

/** Everything needed to reach one context's cluster; credentials are only ever inline data. */
export interface ClusterAccess {
  context: string;
  /** The context's namespace, or `default`. */
  namespace: string;
  server: URL;
  caData?: string;
  insecureSkipTlsVerify: boolean;
  tlsServerName?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
  token?: string;
  username?: string;
  password?: string;
}

const Fields = z.record(z.unknown());
const RawKubeconfig = z
  .object({
    clusters: z.array(z.object({ name: z.string(), cluster: Fields.optional() })).nullish(),
    users: z.array(z.object({ name: z.string(), user: Fields.nullish() })).nullish(),
    contexts: z.array(z.object({ name: z.string(), context: Fields.optional() })).nullish(),
  })
  .passthrough();

/**
 * Fields that make a client read local files, run programs or talk through a proxy. A kubeconfig is user
 * input: on this server it may only carry inline data, and nothing in it is ever executed.
 */
const refusedUserFields = ['exec', 'auth-provider', 'client-certificate', 'client-key', 'tokenFile', 'token-file'];
const refusedClusterFields = ['certificate-authority', 'proxy-url'];

export function kubeconfigInvalid(reason: string): AppError {
  return new AppError(422, ErrorCode.ValidationFailed, [`kubeconfig validation failed: ${reason}`]);
}

/** The cluster access of `context` in a raw kubeconfig, refusing anything but inline credentials. */
export function clusterAccessOf(rawKubeConfig: string, context: string): ClusterAccess {
  let document: unknown;
  try {
    document = parse(rawKubeConfig, { maxAliasCount: 10 });
  } catch {
    throw kubeconfigInvalid('not valid YAML');
  }
  const parsed = RawKubeconfig.safeParse(document);
  if (!parsed.success) throw kubeconfigInvalid('not a kubeconfig');
  const kubeconfig = parsed.data;
  const contextEntry = kubeconfig.contexts?.find((entry) => entry.name === context)?.context;
  if (!contextEntry) throw kubeconfigInvalid(`context ${context} does not exist`);
  const cluster = kubeconfig.clusters?.find((entry) => entry.name === contextEntry.cluster)?.cluster;
  const user = kubeconfig.users?.find((entry) => entry.name === contextEntry.user)?.user ?? {};
  if (!cluster) throw kubeconfigInvalid(`cluster of context ${context} does not exist`);

  for (const field of refusedUserFields) if (user[field] !== undefined) throw kubeconfigInvalid(`user field ${field} is not allowed`);
  for (const field of refusedClusterFields) {
    if (cluster[field] !== undefined) throw kubeconfigInvalid(`cluster field ${field} is not allowed`);
  }
  let server: URL;
  try {
    server = new URL(stringField(cluster, 'server') ?? '');
  } catch {
    throw kubeconfigInvalid('cluster server is not a URL');
  }
  if (server.protocol !== 'https:' && server.protocol !== 'http:') throw kubeconfigInvalid('cluster server must be http or https');
  if (server.username || server.password) throw kubeconfigInvalid('cluster server must not carry credentials');

  return {
    context,
    namespace: stringField(contextEntry, 'namespace') || 'default',
    server,
    caData: stringField(cluster, 'certificate-authority-data'),
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
    tlsServerName: stringField(cluster, 'tls-server-name'),
    clientCertificateData: stringField(user, 'client-certificate-data'),
    clientKeyData: stringField(user, 'client-key-data'),
    token: stringField(user, 'token'),
    username: stringField(user, 'username'),
    password: stringField(user, 'password'),
  };
}

function stringField(record: Record<string, unknown>, field: string): string | undefined {
  const value = record[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw kubeconfigInvalid(`${field} must be a string`);
  return value;
}

/**
 * A kubeconfig with only this context, for the helm binary. `server` may be the address we checked, so that
 * helm connects where the address policy allowed (no second DNS answer); TLS still verifies the original name.
 */
export function minimalKubeconfig(access: ClusterAccess, server: URL): string {
  const originalHost = access.server.hostname.replace(/^\[|\]$/g, '');
  const pinnedName = server.hostname !== access.server.hostname && !isIpLiteral(originalHost) ? originalHost : undefined;
  const cluster: Record<string, unknown> = { server: server.toString().replace(/\/$/, '') };
  if (access.caData) cluster['certificate-authority-data'] = access.caData;
  if (access.insecureSkipTlsVerify) cluster['insecure-skip-tls-verify'] = true;
  const serverName = access.tlsServerName ?? pinnedName;
  if (serverName) cluster['tls-server-name'] = serverName;
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
