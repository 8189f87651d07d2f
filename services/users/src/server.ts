import { AuditRelay, auditRelayMetrics, outboxRecorder } from '@platform/audit';
import { AuditEventsConsumer } from '@platform/contracts';
import { EventBus, listenWithGracefulShutdown, loadConfig } from '@platform/service-kit';
import mongoose from 'mongoose';
import { buildApp } from './app.js';
import { MongoApiTokenRepository } from './adapters/mongo-api-token-repository.js';
import { MongoChartRepositoryStore } from './adapters/mongo-chart-repository-store.js';
import { MongoAuditOutbox } from './adapters/mongo-audit-outbox.js';
import { MongoAuditStore } from './adapters/mongo-audit-store.js';
import { MongoUserRepository } from './adapters/mongo-user-repository.js';
import { AuditRetention, storeAuditEvents } from './audit/audit-store-consumer.js';
import { UsersConfig } from './config.js';
import { ApiTokens } from './domain/api-tokens.js';
import { ChartRepositoryService } from './domain/chart-repositories.js';
import { KubeconfigCipher } from './domain/kubeconfig-cipher.js';
import { OutboxRelay } from './domain/outbox-relay.js';
import { PasswordHasher } from './domain/passwords.js';
import { UserService } from './domain/user-service.js';
import { auditStoreMetrics, outboxRelayMetrics } from './metrics.js';

const config = loadConfig(UsersConfig);
// Fail fast instead of queueing queries while the database is away (503 "database unavailable" after a
// second, see MongoUserRepository); readiness reports it, and the driver reconnects by itself when it returns.
const connection = await mongoose.createConnection(config.MONGO_URL, { bufferCommands: false, serverSelectionTimeoutMS: 1_000 }).asPromise();
const repository = await MongoUserRepository.open(connection);
const tokens = new ApiTokens({ repository: await MongoApiTokenRepository.open(connection), userExists: (id) => repository.exists(id) });
const cipher = new KubeconfigCipher(config.KUBECONFIG_ENCRYPTION_KEYS);
const auditStore = await MongoAuditStore.open(connection);
const auditOutbox = await MongoAuditOutbox.open(connection, repository);

let relay: OutboxRelay | null = null;
let auditRelay: AuditRelay | null = null;
const repositories = new ChartRepositoryService(await MongoChartRepositoryStore.open(connection), cipher, {
  add: (event) => auditOutbox.add(event),
  kick: () => auditRelay?.kick(),
});
const users = new UserService({
  repository,
  hasher: new PasswordHasher(config.BCRYPT_COST),
  cipher,
  onEventQueued: () => {
    relay?.kick();
    auditRelay?.kick();
  },
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
    audit: auditStore,
    auditEvents: outboxRecorder('users', auditOutbox, { kick: () => auditRelay?.kick() }),
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
auditRelay = new AuditRelay({
  outbox: auditOutbox,
  publisher: bus,
  onError: (error) => app.log.warn({ err: error }, 'audit relay cannot deliver audit events; they wait in the outbox'),
  onRecovered: () => app.log.info('audit relay delivers audit events again'),
  observer: auditRelayMetrics(app.metrics),
});
auditRelay.start();
const eventBus = bus;
storeAuditEvents(
  eventBus,
  auditStore,
  auditStoreMetrics(app.metrics, () => eventBus.auditConsumerBacklog(AuditEventsConsumer.store)),
);
const retention = new AuditRetention(auditStore, config.AUDIT_RETENTION_DAYS, (error) => app.log.warn({ err: error }, 'audit retention sweep failed'));
retention.start();

await listenWithGracefulShutdown(app, {
  host: config.HOST,
  port: config.PORT,
  onClose: async () => {
    retention.stop();
    await relay?.stop();
    await auditRelay?.stop();
    await bus?.close();
    await connection.close();
  },
});
