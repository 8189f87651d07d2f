// The service's public entry point for code outside it (integration tests, benchmarks): server.ts runs the
// service, this module only exports.
export { buildApp, type GatewayDeps } from './app.js';
export { GatewayConfig } from './config.js';
export { createRedisClient } from './sessions/redis-client.js';
