import { z } from 'zod';
import { Context, NamespaceName, ReleaseName } from './releases.js';

/**
 * Personal API tokens: `prt_<id>_<secret>`, sent as `Authorization: Bearer <token>`. The prefix tells our
 * tokens from anything else a client puts in that header (the original Porter dashboard sends placeholders
 * there); the id finds the stored hash without scanning; the secret is 32 random bytes, base64url.
 */
export const ApiTokenFormat = {
  prefix: 'prt_',
  pattern: /^prt_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/,
  /** An expiry is required, and at most this far ahead: a forgotten token dies within a year. */
  maxLifetimeDays: 366,
} as const;

export const ApiTokenId = z.string().regex(/^[0-9a-f]{16}$/, 'tokenid');

/**
 * What a token may do. `read` calls GET routes; `write` also the state-changing ones. Each list, when given,
 * limits the token to those contexts, namespaces or releases: a request naming none of them (an empty
 * namespace means every namespace) is refused. No token ever manages tokens, the password or the kubeconfig.
 */
export const ApiTokenScope = z
  .object({
    access: z.enum(['read', 'write']),
    contexts: z.array(Context).min(1).max(100).optional(),
    namespaces: z.array(NamespaceName).min(1).max(100).optional(),
    releases: z.array(ReleaseName).min(1).max(100).optional(),
  })
  .strict();
export type ApiTokenScope = z.infer<typeof ApiTokenScope>;

export const CreateApiTokenBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    /** An ISO 8601 date-time in the future, at most `ApiTokenFormat.maxLifetimeDays` ahead (422/601 `expiresAt validation failed`). */
    expiresAt: z.string().datetime({ offset: true }),
    scope: ApiTokenScope,
  })
  .strict();
export type CreateApiTokenBody = z.infer<typeof CreateApiTokenBody>;

/** A token as listed: never its secret, which exists only in the answer to its creation. */
export const ApiToken = z.object({
  id: ApiTokenId,
  name: z.string(),
  scope: ApiTokenScope,
  createdAt: z.string(),
  expiresAt: z.string(),
  /** Updated at most once a minute; null until first used. */
  lastUsedAt: z.string().nullable(),
});
export type ApiToken = z.infer<typeof ApiToken>;

/** The answer to a creation: the token itself, shown this once (only its SHA-256 is stored). */
export const CreatedApiToken = ApiToken.extend({ token: z.string() });
export type CreatedApiToken = z.infer<typeof CreatedApiToken>;

export const ApiTokenList = z.array(ApiToken);
export const ApiTokenParams = z.object({ id: ApiTokenId });

/** Internal (gateway → users): is this bearer value a live token, and whose? */
export const VerifyApiTokenBody = z.object({ token: z.string().max(256) }).strict();
export const VerifiedApiToken = z.object({
  tokenId: ApiTokenId,
  userId: z.number().int().positive(),
  scope: ApiTokenScope,
  /** When the token expires: the gateway caches a verdict no longer than that. Absent from an older users service: not cached. */
  expiresAt: z.string().datetime({ offset: true }).optional(),
});
export type VerifiedApiToken = z.infer<typeof VerifiedApiToken>;
