import { readKubeconfigDocument, type Fields } from './document.js';

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

interface ContextNames {
  name: string;
  cluster: string;
  user: string;
  /** The cluster's `server` as written, without a trailing slash ('' when it has none). */
  server: string;
}

/** A context whose cluster and user exist: usable with its access, or not, with the reason in one line. */
export type KubeconfigContext = ContextNames & ({ usable: true; access: ClusterAccess } | { usable: false; reason: string });

/** Thrown inside the allow-list check; becomes the context's `reason`. */
class Unusable extends Error {}

/**
 * Fields naming files on the server's disk, programs to run, a proxy or another identity. The platform never
 * acts on them (nothing is read, run or impersonated), so a context that needs one is unusable here.
 */
const refusedClusterFields: Readonly<Record<string, string>> = {
  'certificate-authority': 'names a file on disk (only inline certificate-authority-data is supported)',
  'proxy-url': 'is not supported (the platform connects to the server directly)',
};
const refusedUserFields: Readonly<Record<string, string>> = {
  exec: 'runs a program (credential plugins are not supported: use a token or inline client certificate data)',
  'auth-provider': 'runs a provider plugin (not supported: use a token or inline client certificate data)',
  'client-certificate': 'names a file on disk (only inline client-certificate-data is supported)',
  'client-key': 'names a file on disk (only inline client-key-data is supported)',
  'token-file': 'names a file on disk (only an inline token is supported)',
  tokenFile: 'names a file on disk (only an inline token is supported)',
  as: 'asks for impersonation (not supported)',
  'as-uid': 'asks for impersonation (not supported)',
  'as-groups': 'asks for impersonation (not supported)',
  'as-user-extra': 'asks for impersonation (not supported)',
};

/** Kubernetes namespace names (DNS-1123 label). */
const namespacePattern = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * The contexts of a kubeconfig whose cluster and user both exist, sorted by name (the first of a repeated
 * name), each saying whether the platform can use it. Only the fields the platform supports are read.
 * Throws KubeconfigParseError when the text is not a kubeconfig.
 */
export function kubeconfigContexts(raw: string): KubeconfigContext[] {
  const document = readKubeconfigDocument(raw);
  const byName = new Map<string, KubeconfigContext>();
  for (const { name, cluster: clusterName, user: userName, fields } of document.contexts) {
    const cluster = document.clusters.get(clusterName);
    const user = document.users.get(userName);
    if (byName.has(name) || cluster === undefined || user === undefined) continue;
    const server = typeof cluster?.server === 'string' ? cluster.server.replace(/\/$/, '') : '';
    const names: ContextNames = { name, cluster: clusterName, user: userName, server };
    try {
      byName.set(name, { ...names, usable: true, access: accessOf(name, fields, cluster, user) });
    } catch (error) {
      if (!(error instanceof Unusable)) throw error;
      byName.set(name, { ...names, usable: false, reason: error.message });
    }
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function accessOf(name: string, context: Fields, cluster: Fields | null, user: Fields | null): ClusterAccess {
  if (!cluster) throw new Unusable('cluster entry is not a map');
  if (!user) throw new Unusable('user entry is not a map');
  refuseFields('cluster', cluster, refusedClusterFields);
  refuseFields('user', user, refusedUserFields);

  const namespace = optionalString(context, 'namespace', 'context') || 'default';
  if (!namespacePattern.test(namespace)) throw new Unusable(`context namespace ${JSON.stringify(namespace)} is not a namespace name`);
  const insecure = cluster['insecure-skip-tls-verify'];
  if (insecure !== undefined && insecure !== null && typeof insecure !== 'boolean') {
    throw new Unusable('cluster field insecure-skip-tls-verify must be true or false');
  }
  return {
    context: name,
    namespace,
    server: serverUrl(cluster),
    caData: optionalString(cluster, 'certificate-authority-data', 'cluster'),
    insecureSkipTlsVerify: insecure === true,
    tlsServerName: optionalString(cluster, 'tls-server-name', 'cluster'),
    clientCertificateData: optionalString(user, 'client-certificate-data', 'user'),
    clientKeyData: optionalString(user, 'client-key-data', 'user'),
    token: optionalString(user, 'token', 'user'),
    username: optionalString(user, 'username', 'user'),
    password: optionalString(user, 'password', 'user'),
  };
}

function refuseFields(entry: string, fields: Fields, refused: Readonly<Record<string, string>>): void {
  for (const [field, why] of Object.entries(refused)) {
    if (fields[field] !== undefined) throw new Unusable(`${entry} field ${field} ${why}`);
  }
}

function serverUrl(cluster: Fields): URL {
  const text = cluster.server;
  if (typeof text !== 'string' || text === '') throw new Unusable('cluster has no server');
  let server: URL;
  try {
    server = new URL(text);
  } catch {
    throw new Unusable('cluster server is not a URL');
  }
  if (server.protocol !== 'https:' && server.protocol !== 'http:') throw new Unusable('cluster server must be http or https');
  if (server.username || server.password) throw new Unusable('cluster server must not carry credentials');
  return server;
}

function optionalString(fields: Fields, field: string, entry: string): string | undefined {
  const value = fields[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new Unusable(`${entry} field ${field} must be a string`);
  return value === '' ? undefined : value;
}
