import { EventBus, listenWithGracefulShutdown, loadConfig, loggerOptions } from '@platform/service-kit';
import { pino } from 'pino';
import { buildApp } from './app.js';
import { ReleasesConfig } from './config.js';
import { HttpUserKubeconfigSource } from './users/kubeconfig-source.js';

const config = loadConfig(ReleasesConfig);
const events = new EventBus({ url: config.NATS_URL, name: 'releases', scope: config.EVENTS_SCOPE, log: pino(loggerOptions('releases', config.LOG_LEVEL)) });
const kubeconfigs = new HttpUserKubeconfigSource({
  usersUrl: config.USERS_URL,
  signingSecret: config.INTERNAL_SIGNING_SECRET,
  timeoutMs: config.KUBE_REQUEST_TIMEOUT_MS,
});
const { app } = buildApp({ kubeconfigs, events }, config);
await listenWithGracefulShutdown(app, { host: config.HOST, port: config.PORT, onClose: () => events.close() });
