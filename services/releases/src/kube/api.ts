import { Agent, request as undiciRequest } from 'undici';
import { AppError } from '@platform/service-kit';
import { ErrorCode } from '@platform/contracts';
import { isIpLiteral, type ClusterAccess } from './kubeconfig.js';

/** The Kubernetes API answered 404. */
export class KubeNotFoundError extends Error {
  override readonly name = 'KubeNotFoundError';
}

/** The Kubernetes API answered 409 AlreadyExists or Conflict (someone else wrote first). */
export class KubeConflictError extends Error {
  override readonly name = 'KubeConflictError';
}

/**
 * A small Kubernetes REST client for one context: the handful of calls this service makes, each bounded by
 * `timeoutMs`, with the cluster's TLS settings in one connection pool. It connects to the address the
 * address policy checked (no second DNS answer) and verifies TLS against the server's name.
 */
export class KubeApi {
  private readonly agent: Agent;
  private readonly origin: string;
  private readonly headers: Record<string, string> = { accept: 'application/json' };

  constructor(
    readonly access: ClusterAccess,
    readonly connectAddress: string,
    private readonly timeoutMs: number,
  ) {
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
    });
    const connectUrl = new URL(access.server.toString());
    connectUrl.hostname = connectAddress.includes(':') ? `[${connectAddress}]` : connectAddress;
    this.origin = connectUrl.toString().replace(/\/$/, '');
    if (access.token) this.headers.authorization = `Bearer ${access.token}`;
    else if (access.username) {
      this.headers.authorization = `Basic ${Buffer.from(`${access.username}:${access.password ?? ''}`).toString('base64')}`;
    }
  }

  /** The server URL with the checked address in place of the name (for the helm binary). */
  get connectUrl(): URL {
    return new URL(this.origin);
  }

  /**
   * Calls the API and returns its JSON. Throws KubeNotFoundError (404), KubeConflictError (409), 403/608 when
   * RBAC forbids it, 502/604 when the cluster cannot be reached in time or refuses the credentials.
   */
  async call<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
    let response;
    try {
      response = await undiciRequest(`${this.origin}${path}`, {
        method,
        dispatcher: this.agent,
        headers: body === undefined ? this.headers : { ...this.headers, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
    } catch (error) {
      throw unreachable(error);
    }
    let text: string;
    try {
      text = await response.body.text();
    } catch (error) {
      throw unreachable(error);
    }
    if (response.statusCode >= 200 && response.statusCode < 300) {
      try {
        return JSON.parse(text) as T;
      } catch (error) {
        // Something answered that is not a Kubernetes API server (a proxy page, a different service).
        throw new AppError(502, ErrorCode.ClusterUnreachable, ['cluster unreachable: the server did not answer as a Kubernetes API'], { cause: error });
      }
    }
    const message = statusMessage(text) ?? `HTTP ${response.statusCode}`;
    switch (response.statusCode) {
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

function unreachable(error: unknown): AppError {
  const reason =
    error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError' || /timeout/i.test(error.name))
      ? 'timed out'
      : ((error as { code?: string }).code ?? (error instanceof Error ? error.message : 'connection failed'));
  return new AppError(502, ErrorCode.ClusterUnreachable, [`cluster unreachable: ${reason}`], { cause: error });
}

/** The `message` of a Kubernetes Status body, e.g. `secrets is forbidden: User "x" cannot list ...`. */
function statusMessage(text: string): string | undefined {
  try {
    const status = JSON.parse(text) as { message?: unknown };
    return typeof status.message === 'string' ? status.message : undefined;
  } catch {
    return undefined;
  }
}
