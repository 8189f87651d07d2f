import { z } from 'zod';
import { RepositoryName } from './lifecycle.js';
import { ContextName, LoginBody } from './users.js';

/**
 * Routes between services, under /internal. Only a caller whose signed identity is a service
 * (see identity.ts) may use them; the gateway never proxies /internal.
 */
export const InternalRoutes = {
  verifyCredentials: '/internal/credentials/verify',
  createUser: '/internal/users',
  userKubeconfig: (id: number | string) => `/internal/users/${id}/kubeconfig`,
  userKubeconfigVersion: (id: number | string) => `/internal/users/${id}/kubeconfig-version`,
  /** POST VerifyApiTokenBody → 200 VerifiedApiToken, or 401 (see http/tokens.ts); gateway only. */
  verifyApiToken: '/internal/tokens/verify',
  userRepositories: (id: number | string) => `/internal/users/${id}/repositories`,
} as const;

/** POST verifyCredentials and createUser take the login body; both answer with the user's id. */
export const VerifyCredentialsBody = LoginBody;
export const UserIdReply = z.object({ id: z.number().int().positive() });
export type UserIdReply = z.infer<typeof UserIdReply>;

/** What the releases service needs to reach a user's clusters. `kubeconfigVersion` only grows. */
export const UserKubeconfig = z.object({
  userId: z.number().int().positive(),
  kubeconfigVersion: z.number().int().nonnegative(),
  rawKubeConfig: z.string(),
  allowedContexts: z.array(ContextName),
});
export type UserKubeconfig = z.infer<typeof UserKubeconfig>;

/** A cheap read-your-writes check: the releases service refetches only when this moved. */
export const UserKubeconfigVersion = UserKubeconfig.pick({ userId: true, kubeconfigVersion: true });
export type UserKubeconfigVersion = z.infer<typeof UserKubeconfigVersion>;

/**
 * Read-your-writes without asking the users service on every release request. The users service answers
 * each successful `PUT /api/users/{id}` with the user's kubeconfig version in `stored`; the gateway keeps
 * the highest per user (in Redis, shared by its replicas) and sends it with every request to the releases
 * service as `minimum`, a version below which a releases replica must not answer. A replica serves from the
 * version its users events told it only when that is at least `minimum`; otherwise it asks the users
 * service. Both headers start with `x-platform-`, which the gateway never takes from a client.
 */
export const KubeconfigVersionHeader = {
  stored: 'x-platform-kubeconfig-version',
  minimum: 'x-platform-kubeconfig-min-version',
} as const;

/** A header value of KubeconfigVersionHeader: a non-negative integer, else undefined. */
export function parseKubeconfigVersionHeader(value: string | string[] | undefined): number | undefined {
  if (typeof value !== 'string' || !/^(0|[1-9][0-9]{0,14})$/.test(value)) return undefined;
  return Number(value);
}

/**
 * A user's chart repository with its credentials in plaintext, for the releases service only (it downloads
 * with them): basic auth, a bearer token, or none.
 */
export const RepositoryAccess = z.object({
  name: RepositoryName,
  url: z.string(),
  plainHttp: z.boolean(),
  credentials: z.union([z.object({ username: z.string(), password: z.string() }).strict(), z.object({ token: z.string() }).strict()]).nullable(),
});
export type RepositoryAccess = z.infer<typeof RepositoryAccess>;
export type RepositoryCredentials = NonNullable<RepositoryAccess['credentials']>;

export const RepositoryAccessList = z.array(RepositoryAccess);
export type RepositoryAccessList = z.infer<typeof RepositoryAccessList>;
