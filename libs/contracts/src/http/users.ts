import { z } from 'zod';
import { NumericId } from './common.js';

export const UserIdParams = z.object({ id: NumericId });
export type UserIdParams = z.infer<typeof UserIdParams>;

/** Emails are unique case-insensitively and stored lower-cased. */
export const Email = z
  .string()
  .trim()
  .min(1)
  .max(255)
  .email()
  .transform((email) => email.toLowerCase());
/** Passwords are pre-hashed before bcrypt, so their length is not bound by bcrypt's 72 bytes. */
export const Password = z.string().min(1).max(1024);
/** A kubeconfig is at most 1 MiB of YAML or JSON. */
export const RawKubeConfig = z.string().max(1024 * 1024);
/** Context names as Kubernetes allows them in a kubeconfig. */
export const ContextName = z.string().min(1).max(253);

export const CreateUserBody = z.object({ email: Email, password: Password });
export type CreateUserBody = z.infer<typeof CreateUserBody>;

export const LoginBody = CreateUserBody;
export type LoginBody = z.infer<typeof LoginBody>;

export const UpdateUserBody = z.object({
  /** Missing or empty keeps the stored kubeconfig. */
  rawKubeConfig: RawKubeConfig.optional(),
  /** Missing keeps the stored list; `[]` clears it; names not in the kubeconfig are dropped. */
  allowedContexts: z.array(ContextName).max(1000).optional(),
});
export type UpdateUserBody = z.infer<typeof UpdateUserBody>;

export const DeleteUserBody = z.object({ password: Password });
export type DeleteUserBody = z.infer<typeof DeleteUserBody>;

/** The User object; `contexts` is the list of allowed context names. */
export const User = z.object({
  id: z.number().int(),
  email: z.string(),
  contexts: z.array(z.string()).nullable(),
  rawKubeConfig: z.string(),
});
export type User = z.infer<typeof User>;

/** The reply to create and login: only the id is filled, the rest empty, as the spec shows. */
export const idOnlyUser = (id: number): User => ({ id, email: '', contexts: null, rawKubeConfig: '' });

export const KubeContext = z.object({
  name: z.string(),
  server: z.string(),
  cluster: z.string(),
  user: z.string(),
  selected: z.boolean(),
  /** Ours, additive: whether the platform can use the context (inline credentials only, an http(s) server). */
  usable: z.boolean(),
  /** Why not, in one line; only when `usable` is false. */
  unusableReason: z.string().optional(),
});
export type KubeContext = z.infer<typeof KubeContext>;

export const KubeContextList = z.array(KubeContext);
