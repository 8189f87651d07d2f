import { isIP } from 'node:net';
import type { LookupFunction } from 'node:net';
import { Agent, request } from 'undici';
import { AppError } from '@platform/service-kit';
import { ErrorCode } from '@platform/contracts';
import type { ClusterAddressPolicy } from '../kube/address-policy.js';

/** Redirects followed at most, each to an address the policy allows. */
const maxRedirects = 3;

export interface DownloadOptions {
  maxBytes: number;
  timeoutMs: number;
  /** What the download is, for messages (`chart repository`). */
  what: string;
  headers?: Record<string, string>;
}

/** The server answered 404 (the caller says what was not found). */
export class DownloadNotFoundError extends Error {
  override readonly name = 'DownloadNotFoundError';
}

/** The server answered 401; `challenge` is its WWW-Authenticate header (a registry's token endpoint). */
export class DownloadUnauthorizedError extends Error {
  override readonly name = 'DownloadUnauthorizedError';
  constructor(readonly challenge: string) {
    super('HTTP 401');
  }
}

/**
 * GET of a URL a user gave (a chart repository, a registry): the same address policy as clusters (the
 * operator's CLUSTER_ADDRESS_ALLOWLIST), a connection to the checked address only (no second DNS answer),
 * redirects followed only to addresses the policy allows, the body capped, nothing of it in any message.
 * 502/604 when refused, unreachable, over the cap or answering other than 2xx; DownloadNotFoundError on 404,
 * DownloadUnauthorizedError on 401.
 */
export async function checkedDownload(policy: ClusterAddressPolicy, url: URL, options: DownloadOptions): Promise<Buffer> {
  return (await checkedDownloadEntity(policy, url, options)).body;
}

/** A download and its ETag; with an `if-none-match` header, `notModified` (and an empty body) on 304. */
export interface DownloadedEntity {
  body: Buffer;
  etag?: string;
  notModified: boolean;
}

/** checkedDownload, with the answer's ETag and 304 Not Modified (for caches that revalidate). */
export async function checkedDownloadEntity(policy: ClusterAddressPolicy, url: URL, options: DownloadOptions): Promise<DownloadedEntity> {
  let current = url;
  for (let hop = 0; hop <= maxRedirects; hop += 1) {
    if (current.protocol !== 'http:' && current.protocol !== 'https:') throw unreachable(options, `${current.protocol} is not http or https`);
    if (current.username || current.password) throw unreachable(options, 'credentials in the URL are not accepted');
    const address = await policy.check(current).catch((error: unknown) => {
      // The policy speaks of clusters; the message says what was refused.
      const message = error instanceof AppError ? (error.errors[0] ?? '').replace(/^cluster (unreachable: )?/, '') : 'address refused';
      throw unreachable(options, message, error);
    });
    const answer = await getOnce(current, address, options);
    if ('entity' in answer) return answer.entity;
    const next = new URL(answer.redirect, current);
    // Credentials go to the host they were given for, never to where a redirect points.
    if (next.origin !== current.origin) options = { ...options, headers: {} };
    current = next;
  }
  throw unreachable(options, `more than ${maxRedirects} redirects`);
}

async function getOnce(url: URL, address: string, options: DownloadOptions): Promise<{ entity: DownloadedEntity } | { redirect: string }> {
  const family = isIP(address) === 6 ? 6 : 4;
  const lookup: LookupFunction = (_host, lookupOptions, callback) => {
    if ((lookupOptions as { all?: boolean }).all)
      (callback as (error: null, addresses: Array<{ address: string; family: number }>) => void)(null, [{ address, family }]);
    else callback(null, address, family);
  };
  const agent = new Agent({ connect: { lookup, timeout: options.timeoutMs } as object });
  try {
    const response = await request(url, {
      dispatcher: agent,
      headers: { accept: '*/*', ...options.headers },
      signal: AbortSignal.timeout(options.timeoutMs),
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    const { statusCode } = response;
    if (statusCode >= 300 && statusCode < 400 && typeof response.headers.location === 'string') {
      await response.body.dump();
      return { redirect: response.headers.location };
    }
    if (statusCode === 304) {
      await response.body.dump();
      return { entity: { body: Buffer.alloc(0), notModified: true } };
    }
    if (statusCode === 401) {
      await response.body.dump();
      const challenge = response.headers['www-authenticate'];
      throw new DownloadUnauthorizedError(typeof challenge === 'string' ? challenge : '');
    }
    if (statusCode === 404) {
      await response.body.dump();
      throw new DownloadNotFoundError(`${options.what} answered HTTP 404`);
    }
    if (statusCode < 200 || statusCode >= 300) {
      await response.body.dump();
      throw unreachable(options, `answered HTTP ${statusCode}`);
    }
    const declared = Number(response.headers['content-length'] ?? 0);
    if (declared > options.maxBytes) {
      response.body.destroy();
      throw unreachable(options, `more than ${options.maxBytes} bytes`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += (chunk as Buffer).length;
      if (size > options.maxBytes) {
        response.body.destroy();
        throw unreachable(options, `more than ${options.maxBytes} bytes`);
      }
      chunks.push(chunk as Buffer);
    }
    const etag = response.headers.etag;
    return { entity: { body: Buffer.concat(chunks), notModified: false, ...(typeof etag === 'string' ? { etag } : {}) } };
  } catch (error) {
    if (error instanceof AppError || error instanceof DownloadNotFoundError || error instanceof DownloadUnauthorizedError) throw error;
    const reason = error instanceof Error && /timeout|abort/i.test(error.name) ? 'timed out' : ((error as { code?: string }).code ?? 'connection failed');
    throw unreachable(options, reason, error);
  } finally {
    await agent.close();
  }
}

function unreachable(options: DownloadOptions, reason: string, cause?: unknown): AppError {
  return new AppError(502, ErrorCode.ClusterUnreachable, [`${options.what} unreachable: ${reason}`], { cause });
}
