import { EventBus, listenWithGracefulShutdown, loadConfig } from '@platform/service-kit';
import mongoose from 'mongoose';
import { buildApp } from './app.js';
import { MongoApiTokenRepository } from './adapters/mongo-api-token-repository.js';
import { MongoChartRepositoryStore } from './adapters/mongo-chart-repository-store.js';
import { MongoUserRepository } from './adapters/mongo-user-repository.js';
import { UsersConfig } from './config.js';
import { ApiTokens } from './domain/api-tokens.js';
import { ChartRepositoryService } from './domain/chart-repositories.js';
import { KubeconfigCipher } from './domain/kubeconfig-cipher.js';
import { OutboxRelay } from './domain/outbox-relay.js';
import { PasswordHasher } from './domain/passwords.js';
import { UserService } from './domain/user-service.js';
import { outboxRelayMetrics } from './metrics.js';

const config = loadConfig(UsersConfig);
// Fail fast instead of queueing queries while the database is away (503 "database unavailable" after a
// second, see MongoUserRepository); readiness reports it, and the driver reconnects by itself when it returns.
const connection = await mongoose.createConnection(config.MONGO_URL, { bufferCommands: false, serverSelectionTimeoutMS: 1_000 }).asPromise();
const repository = await MongoUserRepository.open(connection);
const tokens = new ApiTokens({ repository: await MongoApiTokenRepository.open(connection), userExists: (id) => repository.exists(id) });
const cipher = new KubeconfigCipher(config.KUBECONFIG_ENCRYPTION_KEYS);
const repositories = new ChartRepositoryService(await MongoChartRepositoryStore.open(connection), cipher);

let relay: OutboxRelay | null = null;
const users = new UserService({
  repository,
  hasher: new PasswordHasher(config.BCRYPT_COST),
  cipher,
  onEventQueued: () => relay?.kick(),
  deleteApiTokensOfUser: (id) => tokens.deleteAllOfUser(id),
  repositories,
});
type BusLogger = ConstructorParameters<typeof EventBus>[0]['log'];
let bus: EventBus | null = null;
const app = await buildApp(
  {
    users,
    tokens,
    repositories,
    readiness: { database: () => connection.readyState === mongoose.ConnectionStates.connected },
    // NATS does not fail readiness: while it is down, writes still succeed and their events wait in the
    // outbox; taking the users service out would stop sign-up and login for nothing.
    degraded: { eventBus: () => bus?.isConnected() ?? false },
  },
  config,
);

bus = new EventBus({ url: config.NATS_URL, name: 'users', log: app.log as BusLogger, scope: config.EVENTS_SCOPE });
relay = new OutboxRelay({
  repository,
  publisher: bus,
  onError: (error) => app.log.warn({ err: error }, 'outbox relay cannot deliver user events; they wait in the outbox'),
  onRecovered: () => app.log.info('outbox relay delivers user events again'),
  observer: outboxRelayMetrics(app.metrics),
});
relay.start();

await listenWithGracefulShutdown(app, {
  host: config.HOST,
  port: config.PORT,
  onClose: async () => {
    await relay?.stop();
    await bus?.close();
    await connection.close();
  },
});
