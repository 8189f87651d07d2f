import { EventBus, listenWithGracefulShutdown, loadConfig, loggerOptions } from '@platform/service-kit';
import { pino } from 'pino';
import { buildApp } from './app.js';
import { ReleasesConfig } from './config.js';
import { HttpUserKubeconfigSource } from './users/kubeconfig-source.js';
import { HttpUserRepositorySource } from './users/repository-source.js';

const config = loadConfig(ReleasesConfig);
const events = new EventBus({ url: config.NATS_URL, name: 'releases', scope: config.EVENTS_SCOPE, log: pino(loggerOptions('releases', config.LOG_LEVEL)) });
const users = { usersUrl: config.USERS_URL, signingSecret: config.INTERNAL_SIGNING_SECRET, timeoutMs: config.KUBE_REQUEST_TIMEOUT_MS };
const kubeconfigs = new HttpUserKubeconfigSource(users);
const repositories = new HttpUserRepositorySource(users);
const { app } = buildApp({ kubeconfigs, repositories, events }, config);
await listenWithGracefulShutdown(app, { host: config.HOST, port: config.PORT, onClose: () => events.close() });
