import type { z } from '@platform/contracts';

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
  return parsed.data;
}
