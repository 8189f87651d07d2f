/**
 * The gateway tells services who is calling with an identity it signs; services trust nothing else.
 * Signature: hex HMAC-SHA256 over `${identity}\n${audience}\n${METHOD}\n${url}\n${timestamp}` with the
 * shared internal secret, where audience is the service the request is meant for (a signature made for the
 * releases service is worthless at the users service), url is the path with query string as the service
 * receives it and timestamp is milliseconds since the epoch. Services refuse signatures older than
 * `maxAgeMs`, or more than `futureSkewMs` ahead of their clock: an identity is signed just before sending.
 */
export const IdentityHeader = {
  identity: 'x-platform-identity',
  timestamp: 'x-platform-timestamp',
  signature: 'x-platform-signature',
  requestId: 'x-request-id',
} as const;

export const IdentitySignature = {
  algorithm: 'sha256',
  maxAgeMs: 10_000,
  futureSkewMs: 2_000,
} as const;

/** An identity is a user (`user:<id>`) or a service (`service:<name>`). */
export type Identity = { kind: 'user'; userId: number } | { kind: 'service'; name: ServiceName };
export type ServiceName = 'gateway' | 'users' | 'releases';

export function formatIdentity(identity: Identity): string {
  return identity.kind === 'user' ? `user:${identity.userId}` : `service:${identity.name}`;
}

export function parseIdentity(raw: string): Identity | null {
  const user = /^user:([1-9][0-9]{0,15})$/.exec(raw);
  if (user && Number.isSafeInteger(Number(user[1]))) return { kind: 'user', userId: Number(user[1]) };
  const service = /^service:(gateway|users|releases)$/.exec(raw);
  if (service) return { kind: 'service', name: service[1] as ServiceName };
  return null;
}
