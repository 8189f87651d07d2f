import { Agent, request as undiciRequest } from 'undici';
import { AppError } from '@platform/service-kit';
import { ErrorCode, z } from '@platform/contracts';
import { scrubClusterMessage } from '../cluster-messages.js';
import { isIpLiteral, kubeconfigInvalid, type ClusterAccess } from './kubeconfig.js';
import { decodeMetadataList, metadataListAccept, protobufStatusMessage, type ObjectMetadata } from './object-metadata.js';

/** The Kubernetes API answered 404. */
export class KubeNotFoundError extends Error {
  override readonly name = 'KubeNotFoundError';
}

/** The Kubernetes API answered 409 AlreadyExists or Conflict (someone else wrote first). */
export class KubeConflictError extends Error {
  override readonly name = 'KubeConflictError';
}

const ObjectMeta = z.object({ name: z.string(), namespace: z.string().optional(), labels: z.record(z.string()).nullish() }).passthrough();
/** An item of a list (the apiserver leaves `kind` out of list items), as far as this service reads it. */
interface ListedObject {
  metadata: { name: string; namespace?: string; labels?: Record<string, string> | null; [field: string]: unknown };
  data?: Record<string, string> | null;
  [field: string]: unknown;
}
/**
 * Checked by hand, not by a zod object: lists hold thousands of items, and zod's copy of each one cost the
 * list of every release record several times its JSON parsing.
 */
const ListedObject = z.custom<ListedObject>((value) => {
  const item = value as { metadata?: Record<string, unknown>; data?: unknown } | null;
  if (!isPlainRecord(item) || !isPlainRecord(item.metadata)) return false;
  const { name, namespace, labels } = item.metadata;
  return (
    typeof name === 'string' &&
    (namespace === undefined || typeof namespace === 'string') &&
    (labels === undefined || labels === null || isStringRecord(labels)) &&
    (item.data === undefined || item.data === null || isStringRecord(item.data))
  );
}, 'not a Kubernetes object');

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringRecord(value: unknown): boolean {
  return isPlainRecord(value) && Object.values(value).every((entry) => typeof entry === 'string');
}
const kindOf = <K extends string>(kind: K) => z.object({ kind: z.literal(kind), apiVersion: z.literal('v1'), metadata: z.record(z.unknown()) }).passthrough();
const listOf = <K extends string>(kind: K) => kindOf(kind).extend({ items: z.array(ListedObject) });
const objectOf = <K extends string>(kind: K) => kindOf(kind).extend({ metadata: ObjectMeta, data: z.record(z.string()).nullish() });

/**
 * Every answer this service uses, by kind. A cluster is user input: an answer is used or passed on only once
 * it is the object expected, so a "cluster" that is some other HTTP service cannot be read through us.
 */
export const KubeKinds = {
  /** Discovery of one group-version (core `/api/v1` leaves `apiVersion` out). */
  APIResourceList: z.object({ kind: z.literal('APIResourceList'), groupVersion: z.string(), resources: z.array(z.record(z.unknown())) }).passthrough(),
  /** A list of any kind (`DeploymentList`, …), for reading the live objects of a manifest. */
  List: z
    .object({ kind: z.string().regex(/^[A-Za-z0-9]+List$/), apiVersion: z.string(), metadata: z.record(z.unknown()), items: z.array(ListedObject) })
    .passthrough(),
  /** One object of any kind, as a (dry-run) apply answers it. */
  AppliedObject: z.object({ apiVersion: z.string(), kind: z.string(), metadata: ObjectMeta }).passthrough(),
  NamespaceList: listOf('NamespaceList'),
  SecretList: listOf('SecretList'),
  ConfigMapList: listOf('ConfigMapList'),
  Namespace: objectOf('Namespace'),
  Secret: objectOf('Secret'),
  ConfigMap: objectOf('ConfigMap'),
} as const;
export type KubeKind = keyof typeof KubeKinds;
export type KubeObjectOf<K extends KubeKind> = z.infer<(typeof KubeKinds)[K]>;

/** The default bound on one answer's body. */
export const defaultResponseMaxBytes = 64 * 2 ** 20;

/**
 * A small Kubernetes REST client for one context: the handful of calls this service makes, each bounded by
 * `timeoutMs` and `responseMaxBytes`, with the cluster's TLS settings in one connection pool. It connects to
 * the address the address policy checked (no second DNS answer), verifies TLS against the server's name,
 * keeps the server URL's path (proxies such as Rancher's serve clusters under one) and follows no redirect.
 */
export class KubeApi {
  private readonly agent: Agent;
  private readonly base: string;
  private readonly headers: Record<string, string> = { accept: 'application/json' };

  /** Throws 422/601 for a server URL with a query or fragment (they would be glued to every call's path). */
  constructor(
    readonly access: ClusterAccess,
    readonly connectAddress: string,
    private readonly timeoutMs: number,
    responseMaxBytes = defaultResponseMaxBytes,
  ) {
    if (/[?#]/.test(access.server.href)) throw kubeconfigInvalid('cluster server must not carry a query or fragment');
    const host = access.server.hostname.replace(/^\[|\]$/g, '');
    const serverName = access.tlsServerName ?? (isIpLiteral(host) ? undefined : host);
    this.agent = new Agent({
      connect: {
        ca: access.caData ? Buffer.from(access.caData, 'base64').toString('utf8') : undefined,
        cert: access.clientCertificateData ? Buffer.from(access.clientCertificateData, 'base64').toString('utf8') : undefined,
        key: access.clientKeyData ? Buffer.from(access.clientKeyData, 'base64').toString('utf8') : undefined,
        rejectUnauthorized: !access.insecureSkipTlsVerify,
        servername: serverName,
        timeout: timeoutMs,
      },
      keepAliveTimeout: 30_000,
      maxResponseSize: responseMaxBytes,
    });
    const address = connectAddress.includes(':') ? `[${connectAddress}]` : connectAddress;
    const port = access.server.port ? `:${access.server.port}` : '';
    this.base = `${access.server.protocol}//${address}${port}${access.server.pathname.replace(/\/+$/, '')}`;
    if (access.token) this.headers.authorization = `Bearer ${access.token}`;
    else if (access.username) {
      this.headers.authorization = `Basic ${Buffer.from(`${access.username}:${access.password ?? ''}`).toString('base64')}`;
    }
  }

  /** Where this client connects (scheme, checked address, port, path): what names the cluster in cache keys. */
  get connectOrigin(): string {
    return this.base;
  }

  /** The server URL with the checked address in place of the name, path kept (for the helm binary). */
  get connectUrl(): URL {
    return new URL(this.base);
  }

  /**
   * Calls the API and returns its answer once it is a `kind`. Throws KubeNotFoundError (404),
   * KubeConflictError (409), 403/608 when RBAC forbids it, 502/604 when the cluster cannot be reached in
   * time, refuses the credentials, redirects, answers too much or answers something else than a `kind`.
   * Messages from the cluster are scrubbed; its bodies are never echoed.
   */
  async call<K extends KubeKind>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    kind: K,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<KubeObjectOf<K>> {
    const { bytes } = await this.send(method, path, this.headers, body, contentType);
    return expectKind(bytes.toString('utf8'), kind);
  }

  /**
   * The metadata of every object a list `path` names (of labels, those in `labelKeys`), without their data:
   * one consistent read, in protobuf (see object-metadata.ts). A server that answers JSON instead must answer
   * a PartialObjectMetadataList or the full `listKind`; then each item carries the object it sent. Throws as
   * `call`.
   */
  async metadataList(path: string, labelKeys: readonly string[], listKind: 'SecretList' | 'ConfigMapList'): Promise<ObjectMetadata[]> {
    const { bytes, contentType } = await this.getBytes(path, `${metadataListAccept}, application/json`);
    if (contentType.startsWith('application/json')) {
      const text = bytes.toString('utf8');
      let isMetadata = false;
      try {
        isMetadata = expectKind(text, 'List').kind === 'PartialObjectMetadataList';
      } catch {
        // Not a list of any kind: the check below says what was expected.
      }
      const list = isMetadata ? expectKind(text, 'List') : expectKind(text, listKind);
      return list.items.map((item) => {
        const { uid, resourceVersion } = item.metadata as { uid?: unknown; resourceVersion?: unknown };
        return {
          name: item.metadata.name,
          namespace: item.metadata.namespace ?? '',
          uid: typeof uid === 'string' ? uid : '',
          resourceVersion: typeof resourceVersion === 'string' ? resourceVersion : '',
          labels: item.metadata.labels ?? {},
          ...(isMetadata ? {} : { sentObject: item }),
        };
      });
    }
    try {
      return decodeMetadataList(bytes, labelKeys);
    } catch (error) {
      throw notKubernetes('did not answer a metadata list', error);
    }
  }

  /** A GET answered in the encoding `accept` asks for, as bytes (the bench's floor reads too). Throws as `call`. */
  getBytes(path: string, accept: string): Promise<{ bytes: Buffer; contentType: string }> {
    return this.send('GET', path, { ...this.headers, accept });
  }

  private async send(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    headers: Record<string, string>,
    body?: unknown,
    bodyType = 'application/json',
  ): Promise<{ bytes: Buffer; contentType: string }> {
    let statusCode: number;
    let bytes: Buffer;
    let contentType: string;
    try {
      const response = await undiciRequest(`${this.base}${path}`, {
        method,
        dispatcher: this.agent,
        headers: body === undefined ? headers : { ...headers, 'content-type': bodyType },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      statusCode = response.statusCode;
      contentType = String(response.headers['content-type'] ?? '');
      bytes = Buffer.from(await response.body.arrayBuffer());
    } catch (error) {
      throw unreachable(error);
    }
    if (statusCode >= 200 && statusCode < 300) return { bytes, contentType };
    if (statusCode >= 300 && statusCode < 400) throw notKubernetes(`answered with a redirect (HTTP ${statusCode}), which is not followed`);
    const message = statusMessage(bytes, contentType) ?? `HTTP ${statusCode}`;
    switch (statusCode) {
      case 401:
        throw new AppError(502, ErrorCode.ClusterUnreachable, ['cluster refused our credentials']);
      case 403:
        throw new AppError(403, ErrorCode.ClusterForbidden, [message]);
      case 404:
        throw new KubeNotFoundError(message);
      case 409:
        throw new KubeConflictError(message);
      default:
        throw new AppError(500, ErrorCode.ClusterOperationFailed, [message]);
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

function expectKind<K extends KubeKind>(text: string, kind: K): KubeObjectOf<K> {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw notKubernetes('did not answer JSON', error);
  }
  const parsed = KubeKinds[kind].safeParse(document);
  if (!parsed.success) throw notKubernetes(`did not answer a ${kind}`);
  // The document itself, not zod's copy: the fields zod does not describe stay exactly as the cluster sent them.
  return document as KubeObjectOf<K>;
}

/** Something answered that is not a Kubernetes API server (a proxy page, a different service). */
function notKubernetes(what: string, cause?: unknown): AppError {
  return new AppError(502, ErrorCode.ClusterUnreachable, [`cluster unreachable: the server ${what}`], { cause });
}

function unreachable(error: unknown): AppError {
  const code = (error as { code?: string }).code;
  const reason =
    error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError' || /timeout/i.test(error.name))
      ? 'timed out'
      : code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE'
        ? 'the answer is larger than this service reads'
        : scrubClusterMessage(code ?? (error instanceof Error ? error.message : 'connection failed'));
  return new AppError(502, ErrorCode.ClusterUnreachable, [`cluster unreachable: ${reason}`], { cause: error });
}

/** The scrubbed `message` of a Kubernetes Status body, e.g. `secrets is forbidden: User "x" cannot list ...`. */
function statusMessage(bytes: Buffer, contentType: string): string | undefined {
  if (contentType.startsWith('application/vnd.kubernetes.protobuf')) {
    const message = protobufStatusMessage(bytes);
    return message === undefined ? undefined : scrubClusterMessage(message);
  }
  try {
    const status = JSON.parse(bytes.toString('utf8')) as { kind?: unknown; message?: unknown };
    return status.kind === 'Status' && typeof status.message === 'string' ? scrubClusterMessage(status.message) : undefined;
  } catch {
    return undefined;
  }
}
