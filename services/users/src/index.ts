// The service's public entry point for code outside it (integration tests, benchmarks): server.ts runs the
// service, this module only exports.
export { buildApp, type UsersAppConfig, type UsersAppDeps } from './app.js';
export { UsersConfig } from './config.js';
export { PasswordHasher } from './domain/passwords.js';
export type { ChartRepositoryService } from './domain/chart-repositories.js';
export type { UserService } from './domain/user-service.js';
export type { ApiTokens } from './domain/api-tokens.js';
export type { AuditStore } from './audit/audit-store.js';
