import type { AuditRecorder } from '@platform/audit';
import {
  createServiceApp,
  HealthPaths,
  MetricsPath,
  registerHealthRoutes,
  signedIdentityPlugin,
  type ReadinessCheck,
  type ServiceApp,
} from '@platform/service-kit';
import type { UsersConfig } from './config.js';
import type { ApiTokens } from './domain/api-tokens.js';
import type { ChartRepositoryService } from './domain/chart-repositories.js';
import type { AuditStore } from './audit/audit-store.js';
import type { UserService } from './domain/user-service.js';
import { auditRoutes } from './routes/audit.js';
import { internalRoutes } from './routes/internal.js';
import { repositoryRoutes } from './routes/repositories.js';
import { apiTokenRoutes } from './routes/tokens.js';
import { userRoutes } from './routes/users.js';

export interface UsersAppDeps {
  users: UserService;
  tokens: ApiTokens;
  repositories: ChartRepositoryService;
  /** The audit events GET /api/audit and GET /api/releases/{name}/audit read. */
  audit: AuditStore;
  /** Where API token changes leave their audit events (the audit_outbox collection). */
  auditEvents: AuditRecorder;
  /** Each named check must pass for /readyz to answer 200. */
  readiness: Record<string, ReadinessCheck>;
  /** Reported by /readyz as `degraded` without failing it. */
  degraded?: Record<string, ReadinessCheck>;
}

export type UsersAppConfig = Pick<UsersConfig, 'INTERNAL_SIGNING_SECRET' | 'LOG_LEVEL'>;

/** A kubeconfig may be 1 MiB; JSON escaping can grow it, so bodies get some room above that. */
const bodyLimit = 3 * 1024 * 1024;

export async function buildApp(deps: UsersAppDeps, config: UsersAppConfig): Promise<ServiceApp> {
  const app = createServiceApp({ service: 'users', logLevel: config.LOG_LEVEL, bodyLimit });
  await app.register(signedIdentityPlugin, {
    secret: config.INTERNAL_SIGNING_SECRET,
    audience: 'users',
    publicPaths: [HealthPaths.live, HealthPaths.ready, MetricsPath],
  });
  registerHealthRoutes(app, deps.readiness, deps.degraded);
  userRoutes(app, deps.users);
  apiTokenRoutes(app, deps.tokens, deps.auditEvents);
  repositoryRoutes(app, deps.repositories);
  internalRoutes(app, deps.users, deps.tokens, deps.repositories);
  auditRoutes(app, deps.audit);
  return app;
}
