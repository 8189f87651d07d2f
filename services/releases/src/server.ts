import { auditSpoolFolder, SpooledAudit } from '@platform/audit';
import { EventBus, listenWithGracefulShutdown, loadConfig, loggerOptions } from '@platform/service-kit';
import { pino } from 'pino';
import { buildApp } from './app.js';
import { ReleasesConfig } from './config.js';
import { HttpUserKubeconfigSource } from './users/kubeconfig-source.js';
import { HttpUserRepositorySource } from './users/repository-source.js';

const config = loadConfig(ReleasesConfig);
const log = pino(loggerOptions('releases', config.LOG_LEVEL));
const events = new EventBus({ url: config.NATS_URL, name: 'releases', scope: config.EVENTS_SCOPE, log });
const users = { usersUrl: config.USERS_URL, signingSecret: config.INTERNAL_SIGNING_SECRET, timeoutMs: config.KUBE_REQUEST_TIMEOUT_MS };
const kubeconfigs = new HttpUserKubeconfigSource(users);
const repositories = new HttpUserRepositorySource(users);
const audit = await SpooledAudit.open('releases', auditSpoolFolder('releases', config));
const { app } = buildApp({ kubeconfigs, repositories, events, audit: audit.recorder }, config);
audit.start(events, app.metrics, log);
await listenWithGracefulShutdown(app, {
  host: config.HOST,
  port: config.PORT,
  onClose: async () => {
    await audit.stop();
    await events.close();
  },
});
