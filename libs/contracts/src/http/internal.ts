import { z } from 'zod';
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
