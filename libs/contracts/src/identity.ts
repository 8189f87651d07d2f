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

/**
 * The credential a user presented at the gateway: a session, named by a hash of its id (never the cookie's
 * value, which is the secret), or an API token, named by its id. Services and audit records say which one acted.
 */
export interface Credential {
  kind: 'session' | 'token';
  id: string;
}

/**
 * An identity is a user (`user:<id>`, and since tokens `user:<id>;session:<hash>` or `user:<id>;token:<id>`)
 * or a service (`service:<name>`). The credential is part of the signed string, so the HMAC covers it; an
 * identity without one (signed by an older gateway, or by a test) still parses, with `credential` absent.
 */
export type Identity = { kind: 'user'; userId: number; credential?: Credential } | { kind: 'service'; name: ServiceName };
export type ServiceName = 'gateway' | 'users' | 'releases';

export function formatIdentity(identity: Identity): string {
  if (identity.kind === 'service') return `service:${identity.name}`;
  const { userId, credential } = identity;
  return credential ? `user:${userId};${credential.kind}:${credential.id}` : `user:${userId}`;
}

/** A credential id is 1-64 of `A-Za-z0-9_-`: free of the identity string's separators. */
export function parseIdentity(raw: string): Identity | null {
  const user = /^user:([1-9][0-9]{0,15})(?:;(session|token):([A-Za-z0-9_-]{1,64}))?$/.exec(raw);
  if (user && Number.isSafeInteger(Number(user[1]))) {
    const userId = Number(user[1]);
    const kind = user[2] as Credential['kind'] | undefined;
    return kind ? { kind: 'user', userId, credential: { kind, id: user[3]! } } : { kind: 'user', userId };
  }
  const service = /^service:(gateway|users|releases)$/.exec(raw);
  if (service) return { kind: 'service', name: service[1] as ServiceName };
  return null;
}
