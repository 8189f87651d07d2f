import { z } from 'zod';
import { AuditEvent, AuditEventTypeSchema } from '../events/audit.js';
import { Context, NamespaceName, ReleaseName } from './releases.js';

/** Most events one page holds; a client pages on with `cursor`. */
export const auditPageMaxLimit = 200;

/** Filters of the caller's audit events, newest first; `cursor` is the `nextCursor` of the previous page, as given. */
export const AuditQuery = z.object({
  type: AuditEventTypeSchema.optional(),
  release: ReleaseName.optional(),
  namespace: NamespaceName.optional(),
  context: Context.optional(),
  /** Events at or after this time. */
  from: z.string().datetime({ offset: true }).optional(),
  /** Events before this time. */
  to: z.string().datetime({ offset: true }).optional(),
  cursor: z
    .string()
    .max(256)
    .regex(/^[A-Za-z0-9_-]+$/, 'cursor')
    .optional(),
  limit: z.preprocess(
    (raw) => (typeof raw === 'string' ? (/^[0-9]{1,4}$/.test(raw) ? Number(raw) : Number.NaN) : raw),
    z.number().int().min(1).max(auditPageMaxLimit).default(50),
  ),
});
export type AuditQuery = z.infer<typeof AuditQuery>;

/** `GET /api/releases/{name}/audit`: the release is the path's. */
export const ReleaseAuditQuery = AuditQuery.omit({ release: true });
export type ReleaseAuditQuery = z.infer<typeof ReleaseAuditQuery>;

export const AuditPage = z.object({
  events: z.array(AuditEvent),
  /** Give it as `cursor` for the next page; null on the last page. */
  nextCursor: z.string().nullable(),
});
export type AuditPage = z.infer<typeof AuditPage>;
