import { createHmac, timingSafeEqual } from 'node:crypto';
import { IdentityHeader, IdentitySignature, formatIdentity, parseIdentity, type Identity, type ServiceName } from '@platform/contracts';

export interface SignedRequest {
  /** The service the request is for: a signature is good at that service only. */
  audience: ServiceName;
  method: string;
  /** Path with query string, exactly as the receiving service sees it. */
  url: string;
}

function signature(secret: string, identity: string, request: SignedRequest, timestamp: string): string {
  return createHmac(IdentitySignature.algorithm, secret)
    .update(`${identity}\n${request.audience}\n${request.method.toUpperCase()}\n${request.url}\n${timestamp}`)
    .digest('hex');
}

/** Headers that prove to `request.audience` who is calling; valid for `IdentitySignature.maxAgeMs`. */
export function signIdentity(secret: string, identity: Identity, request: SignedRequest, now: number = Date.now()): Record<string, string> {
  const formatted = formatIdentity(identity);
  const timestamp = String(now);
  return {
    [IdentityHeader.identity]: formatted,
    [IdentityHeader.timestamp]: timestamp,
    [IdentityHeader.signature]: signature(secret, formatted, request, timestamp),
  };
}

type HeaderBag = Record<string, string | string[] | undefined>;

/**
 * The identity the headers prove, or null when they are missing, forged, signed for another service
 * (`request.audience` is the receiving service), expired, from the future or malformed.
 */
export function verifyIdentity(secret: string, headers: HeaderBag, request: SignedRequest, now: number = Date.now()): Identity | null {
  const identity = single(headers[IdentityHeader.identity]);
  const timestamp = single(headers[IdentityHeader.timestamp]);
  const given = single(headers[IdentityHeader.signature]);
  if (!identity || !timestamp || !given || !/^[0-9]{1,16}$/.test(timestamp) || !/^[0-9a-f]{64}$/.test(given)) return null;
  const age = now - Number(timestamp);
  if (age > IdentitySignature.maxAgeMs || age < -IdentitySignature.futureSkewMs) return null;
  const expected = Buffer.from(signature(secret, identity, request, timestamp), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(given, 'hex'))) return null;
  return parseIdentity(identity);
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? undefined : value;
}
