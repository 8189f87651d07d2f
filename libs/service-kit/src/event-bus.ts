import { AuditEvent, AuditEventsStream, UserEvent, UserEventsStream, subjectOfAuditEvent, subjectOfUserEvent, userEventMessageId } from '@platform/contracts';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import type { Logger } from 'pino';

export class EventBusUnavailableError extends Error {
  override readonly name = 'EventBusUnavailableError';
}

export type UserEventHandler = (event: UserEvent) => Promise<void>;
export type AuditEventHandler = (event: AuditEvent) => Promise<void>;

/**
 * Told `true` once a subscription's consumer exists on the server, so that every event stored from then
 * on will be handled, and `false` as soon as that may no longer hold (disconnected, consumer lost or
 * restarting, heartbeats missed). A consumer learns versions from events only while it is live.
 */
export type ConsumerLiveness = (live: boolean) => void;

/** Consumer notices after which events may be missing or late until the consumer is recreated. */
const consumerTrouble = new Set(['heartbeats_missed', 'consumer_deleted', 'consumer_not_found', 'stream_not_found', 'reset', 'no_responders']);

/** A durable consumer is shared by a service's replicas (each event handled once); `everyReplica` gives each replica every new event. */
export type UserEventSubscription = { durable: string } | { everyReplica: true };

/** One of the platform's streams, as this bus names it (scope applied). */
interface StreamOf<Event> {
  name: string;
  schema: { parse(value: unknown): Event };
  kind: string;
}

interface Subscription {
  stream: StreamOf<unknown>;
  spec: UserEventSubscription;
  handler: (event: unknown) => Promise<void>;
  liveness?: ConsumerLiveness | undefined;
}

export interface EventBusOptions {
  url: string;
  /** Connection name shown by the server: the service's name. */
  name: string;
  log: Logger;
  publishTimeoutMs?: number;
  /**
   * Keeps one platform's events apart from another's on a shared NATS (test suites running side by side):
   * the stream becomes `USER_EVENTS_<scope>` and every subject gets the prefix `<scope>.`.
   */
  scope?: string;
}

/**
 * The platform's JetStream connection. It starts at once and connects in the background, retrying
 * forever, so a service comes up while NATS is down; publishing then fails fast with
 * EventBusUnavailableError and the caller's outbox keeps the event.
 */
export class EventBus {
  private connection: NatsConnection | null = null;
  private client: JetStreamClient | null = null;
  private readonly subscriptions: Subscription[] = [];
  /** Liveness callbacks of the consumers running now (told on disconnect and reconnect). */
  private readonly running = new Set<ConsumerLiveness>();
  private closing = false;
  readonly connected: Promise<void>;

  private readonly userStream: StreamOf<UserEvent>;
  private readonly auditStream: StreamOf<AuditEvent>;
  private readonly subjectPrefix: string;

  constructor(private readonly options: EventBusOptions) {
    const named = (name: string) => (options.scope ? `${name}_${options.scope}` : name);
    this.subjectPrefix = options.scope ? `${options.scope}.` : '';
    this.userStream = { name: named(UserEventsStream.name), schema: UserEvent, kind: 'user event' };
    this.auditStream = { name: named(AuditEventsStream.name), schema: AuditEvent, kind: 'audit event' };
    this.connected = this.open();
    this.connected.catch((error: unknown) => {
      if (!this.closing) options.log.error({ err: error }, 'event bus failed to connect');
    });
  }

  /** True while the connection is up (readiness reports it). */
  isConnected(): boolean {
    return this.connection !== null && !this.connection.isClosed() && !this.reconnecting;
  }

  private reconnecting = false;

  private async open(): Promise<void> {
    const connection = await connect({
      servers: this.options.url,
      name: this.options.name,
      waitOnFirstConnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
    });
    if (this.closing) {
      await connection.close();
      return;
    }
    void this.watchStatus(connection);
    const manager = await jetstreamManager(connection);
    for (const [stream, definition] of [
      [this.userStream, UserEventsStream],
      [this.auditStream, AuditEventsStream],
    ] as const) {
      const config = {
        name: stream.name,
        subjects: definition.subjects.map((subject) => this.subjectPrefix + subject),
        max_age: nanos(definition.maxAgeMs),
        duplicate_window: nanos(definition.duplicateWindowMs),
      };
      try {
        await manager.streams.info(config.name);
        await manager.streams.update(config.name, config);
      } catch {
        await manager.streams.add(config);
      }
    }
    this.connection = connection;
    this.client = jetstream(connection);
    for (const subscription of this.subscriptions) void this.consume(subscription);
    this.options.log.info('event bus connected');
  }

  private async watchStatus(connection: NatsConnection): Promise<void> {
    for await (const status of connection.status()) {
      if (status.type === 'disconnect') this.reconnecting = true;
      if (status.type === 'reconnect') this.reconnecting = false;
      // A running consumer resumes after a reconnect where it stopped (no event skipped): live again.
      if (status.type === 'disconnect' || status.type === 'reconnect') for (const liveness of this.running) liveness(status.type === 'reconnect');
    }
  }

  /** Publishes an event that passes the contract; resolves once JetStream stored it. */
  async publishUserEvent(event: UserEvent): Promise<void> {
    const valid = UserEvent.parse(event);
    await this.publish(subjectOfUserEvent(valid), valid, userEventMessageId(valid));
  }

  /** Publishes an audit event under its id as message id, so a repeat within the stream's window is stored once. */
  async publishAuditEvent(event: AuditEvent): Promise<void> {
    const valid = AuditEvent.parse(event);
    await this.publish(subjectOfAuditEvent(valid), valid, valid.id);
  }

  private async publish(subject: string, payload: unknown, msgID: string): Promise<void> {
    const client = this.client;
    if (!client || !this.isConnected()) throw new EventBusUnavailableError('event bus is not connected');
    await client.publish(this.subjectPrefix + subject, JSON.stringify(payload), { msgID, timeout: this.options.publishTimeoutMs ?? 2_000 });
  }

  /** Calls `handler` for each user event; a failed handler gets the event again after a second. */
  subscribeUserEvents(spec: UserEventSubscription, handler: UserEventHandler, liveness?: ConsumerLiveness): void {
    this.subscribe({ stream: this.userStream, spec, handler: handler as (event: unknown) => Promise<void>, liveness });
  }

  /** Calls `handler` for each audit event through the durable consumer `durable`; a failed handler gets it again after a second. */
  subscribeAuditEvents(durable: string, handler: AuditEventHandler): void {
    this.subscribe({ stream: this.auditStream, spec: { durable }, handler: handler as (event: unknown) => Promise<void> });
  }

  /** Messages the durable consumer `durable` of the audit stream has not had acknowledged yet (the store's lag); null without NATS. */
  async auditConsumerBacklog(durable: string): Promise<number | null> {
    if (!this.connection || !this.isConnected()) return null;
    const info = await (await jetstreamManager(this.connection)).consumers.info(this.auditStream.name, durable);
    return info.num_pending + info.num_ack_pending;
  }

  private subscribe(subscription: Subscription): void {
    this.subscriptions.push(subscription);
    if (this.client) void this.consume(subscription);
  }

  private async consume(subscription: Subscription): Promise<void> {
    const client = this.client;
    if (!client) return;
    const { stream, spec, liveness } = subscription;
    try {
      // The consumer exists on the server once this resolves (an ordered one is created by get()).
      const consumer =
        'durable' in spec
          ? await this.durableConsumer(stream.name, spec.durable)
          : await client.consumers.get(stream.name, { deliver_policy: DeliverPolicy.New });
      const messages = await consumer.consume({ max_messages: 64 });
      if (liveness) {
        this.running.add(liveness);
        liveness(this.isConnected());
        void watchConsumer(messages.status(), (live) => liveness(live && this.isConnected()));
      }
      try {
        for await (const message of messages) await this.handle(message, subscription, 'durable' in spec);
      } finally {
        if (liveness) {
          this.running.delete(liveness);
          liveness(false);
        }
      }
    } catch (error) {
      if (this.closing) return;
      this.options.log.warn({ err: error }, `${stream.kind}s consumer stopped; restarting`);
      setTimeout(() => void this.consume(subscription), 1_000).unref();
    }
  }

  private async durableConsumer(streamName: string, durable: string) {
    const manager = await jetstreamManager(this.connection!);
    await manager.consumers.add(streamName, {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(30_000),
    });
    return this.client!.consumers.get(streamName, durable);
  }

  private async handle(message: JsMsg, { stream, handler }: Subscription, acked: boolean): Promise<void> {
    let event: unknown;
    try {
      event = stream.schema.parse(message.json());
    } catch (error) {
      // A message that breaks the contract can never succeed: drop it, loudly.
      this.options.log.error({ err: error, subject: message.subject }, `dropping ${stream.kind} that fails the contract`);
      if (acked) message.term();
      return;
    }
    try {
      await handler(event);
      if (acked) message.ack();
    } catch (error) {
      this.options.log.warn({ err: error, subject: message.subject }, `${stream.kind} handler failed; will retry`);
      if (acked) message.nak(1_000);
    }
  }

  /** Drains subscriptions and pending publishes, then closes. */
  async close(): Promise<void> {
    this.closing = true;
    const connection = this.connection;
    if (connection && !connection.isClosed()) await connection.drain();
  }
}

/**
 * Tells `liveness` when the consumer's own notices say events may be missed, and when it pulls again: a
 * pull (`next`) follows only a check that the consumer exists, or its recreation from where it stopped.
 */
async function watchConsumer(notices: AsyncIterable<{ type: string }>, liveness: ConsumerLiveness): Promise<void> {
  for await (const notice of notices) {
    if (consumerTrouble.has(notice.type)) liveness(false);
    else if (notice.type === 'next' || notice.type === 'ordered_consumer_recreated') liveness(true);
  }
}
