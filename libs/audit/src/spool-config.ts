import { z, type ServiceName } from '@platform/contracts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The variable of services whose audit outbox is a file spool (gateway, releases). */
export const AuditSpoolConfig = {
  /** Where audit events wait until JetStream stored them; give it a persistent volume to outlive the pod. */
  AUDIT_SPOOL_DIR: z.string().min(1).optional(),
};

/** The configured folder, or one per service and events scope in the temporary folder (platforms side by side stay apart). */
export function auditSpoolFolder(service: ServiceName, config: { AUDIT_SPOOL_DIR?: string | undefined; EVENTS_SCOPE?: string | undefined }): string {
  return config.AUDIT_SPOOL_DIR ?? join(tmpdir(), 'platform-audit', config.EVENTS_SCOPE ?? 'default', service);
}
