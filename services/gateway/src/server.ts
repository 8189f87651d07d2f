import { auditSpoolFolder, SpooledAudit } from '@platform/audit';
import { EventBus, listenWithGracefulShutdown, loadConfig, loggerOptions } from '@platform/service-kit';
import { pino } from 'pino';
import { buildApp } from './app.js';
import { GatewayConfig } from './config.js';
import { createRedisClient } from './sessions/redis-client.js';

const config = loadConfig(GatewayConfig);
const log = pino(loggerOptions('gateway', config.LOG_LEVEL));
const redis = createRedisClient(config.REDIS_URL, (error) => log.warn({ err: error }, 'redis connection error'));
const events = new EventBus({ url: config.NATS_URL, name: 'gateway', log, scope: config.EVENTS_SCOPE });
const audit = await SpooledAudit.open('gateway', auditSpoolFolder('gateway', config));
const app = await buildApp({ redis, events, audit: audit.recorder }, config);
audit.start(events, app.metrics, log);

await listenWithGracefulShutdown(app, {
  host: config.HOST,
  port: config.PORT,
  onClose: async () => {
    await audit.stop();
    await events.close();
    await redis.quit().catch(() => redis.disconnect());
  },
});
