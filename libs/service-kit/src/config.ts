import { z } from '@platform/contracts';

/**
 * What every service reads (the README's configuration table, rows for "all"); each service extends it
 * with its own variables, so the shared ones are checked the same way everywhere.
 */
export function serviceConfigBase(defaultPort: number) {
  return z.object({
    PORT: z.coerce.number().int().min(0).max(65_535).default(defaultPort),
    HOST: z.string().min(1).default('127.0.0.1'),
    NATS_URL: z.string().min(1),
    /** Keeps one platform's events apart on a shared NATS (test suites side by side); see EventBusOptions.scope. */
    EVENTS_SCOPE: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/)
      .optional(),
    /** HMAC secret shared by every service for signed identities: 32 characters at least (256 bits as hex). */
    INTERNAL_SIGNING_SECRET: z.string().min(32),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  });
}

/**
 * Reads configuration once, at start-up, from `env`. A bad value stops the process with a message
 * naming every wrong variable (never its value: some are secrets).
 */
export function loadConfig<Schema extends z.ZodTypeAny>(schema: Schema, env: NodeJS.ProcessEnv = process.env): z.infer<Schema> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  return parsed.data as z.infer<Schema>;
}
