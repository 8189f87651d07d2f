import { IdentityHeader, type Identity, type ServiceName } from '@platform/contracts';
import { request } from 'undici';
import { AppError } from './errors.js';
import { HealthPaths } from './health.js';
import { signIdentity, type SignedRequest } from './identity.js';
import { currentRequestId } from './request-context.js';

/**
 * The headers of a call to another service: `identity` signed for `request.audience`, and the request id
 * (the one given, else the id of the request being served) so every service logs the same id.
 */
export function serviceCallHeaders(secret: string, identity: Identity, request: SignedRequest, requestId = currentRequestId()): Record<string, string> {
  return {
    ...signIdentity(secret, identity, request),
    ...(requestId === undefined ? {} : { [IdentityHeader.requestId]: requestId }),
  };
}

export interface ServiceClientOptions {
  /** The called service's base URL. */
  baseUrl: string;
  secret: string;
  caller: ServiceName;
  audience: ServiceName;
  /** Bound on the whole exchange, body included. */
  timeoutMs: number;
  /** The 503 message when the service cannot be reached (`users service unavailable`, ...). */
  unavailableMessage: string;
}

/** What the called service answered: its status and JSON body (undefined when there was none). */
export interface ServiceReply {
  status: number;
  body: unknown;
}

export interface ServiceCall {
  /** JSON request body (POST). */
  body?: unknown;
  /** Defaults to the id of the request being served. */
  requestId?: string;
}

/**
 * Calls another service as `service:<caller>`, signed for that service only and carrying the request id.
 * A connection failure or timeout becomes a 503 in the contract's shape; any answer, error or not, is the
 * caller's to read.
 */
export class ServiceClient {
  constructor(private readonly options: ServiceClientOptions) {}

  get(path: string, call: ServiceCall = {}): Promise<ServiceReply> {
    return this.send('GET', path, call);
  }

  post(path: string, call: ServiceCall = {}): Promise<ServiceReply> {
    return this.send('POST', path, call);
  }

  /** Whether the service says it is ready (its `/readyz`, unsigned). */
  async ready(timeoutMs = 1_000): Promise<boolean> {
    try {
      const response = await request(new URL(HealthPaths.ready, this.options.baseUrl), { signal: AbortSignal.timeout(timeoutMs) });
      await response.body.dump();
      return response.statusCode === 200;
    } catch {
      return false;
    }
  }

  private async send(method: 'GET' | 'POST', path: string, call: ServiceCall): Promise<ServiceReply> {
    const { secret, caller, audience, baseUrl, timeoutMs, unavailableMessage } = this.options;
    const url = new URL(path, baseUrl);
    const headers = serviceCallHeaders(secret, { kind: 'service', name: caller }, { audience, method, url: url.pathname + url.search }, call.requestId);
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    try {
      const response = await request(url, {
        method,
        headers,
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.body.text();
      return { status: response.statusCode, body: parseJson(text) };
    } catch (error) {
      throw AppError.unavailable(unavailableMessage, error);
    }
  }
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
