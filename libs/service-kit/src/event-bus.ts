import { UserEvent, UserEventsStream, subjectOfUserEvent, userEventMessageId } from '@platform/contracts';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import type { Logger } from 'pino';

export class EventBusUnavailableError extends Error {
  override readonly name = 'EventBusUnavailableError';
}

export type UserEventHandler = (event: UserEvent) => Promise<void>;

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
  private readonly subscriptions: Array<{ spec: UserEventSubscription; handler: UserEventHandler; liveness?: ConsumerLiveness }> = [];
  /** Liveness callbacks of the consumers running now (told on disconnect and reconnect). */
  private readonly running = new Set<ConsumerLiveness>();
  private closing = false;
  readonly connected: Promise<void>;

  private readonly streamName: string;
  private readonly subjectPrefix: string;

  constructor(private readonly options: EventBusOptions) {
    this.streamName = options.scope ? `${UserEventsStream.name}_${options.scope}` : UserEventsStream.name;
    this.subjectPrefix = options.scope ? `${options.scope}.` : '';
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
    const stream = {
      name: this.streamName,
      subjects: UserEventsStream.subjects.map((subject) => this.subjectPrefix + subject),
      max_age: nanos(UserEventsStream.maxAgeMs),
      duplicate_window: nanos(UserEventsStream.duplicateWindowMs),
    };
    try {
      await manager.streams.info(stream.name);
      await manager.streams.update(stream.name, stream);
    } catch {
      await manager.streams.add(stream);
    }
    this.connection = connection;
    this.client = jetstream(connection);
    for (const { spec, handler, liveness } of this.subscriptions) void this.consume(spec, handler, liveness);
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
    const client = this.client;
    if (!client || !this.isConnected()) throw new EventBusUnavailableError('event bus is not connected');
    const valid = UserEvent.parse(event);
    await client.publish(this.subjectPrefix + subjectOfUserEvent(valid), JSON.stringify(valid), {
      msgID: userEventMessageId(valid),
      timeout: this.options.publishTimeoutMs ?? 2_000,
    });
  }

  /** Calls `handler` for each user event; a failed handler gets the event again after a second. */
  subscribeUserEvents(spec: UserEventSubscription, handler: UserEventHandler, liveness?: ConsumerLiveness): void {
    this.subscriptions.push({ spec, handler, liveness });
    if (this.client) void this.consume(spec, handler, liveness);
  }

  private async consume(spec: UserEventSubscription, handler: UserEventHandler, liveness?: ConsumerLiveness): Promise<void> {
    const client = this.client;
    if (!client) return;
    try {
      // The consumer exists on the server once this resolves (an ordered one is created by get()).
      const consumer =
        'durable' in spec ? await this.durableConsumer(spec.durable) : await client.consumers.get(this.streamName, { deliver_policy: DeliverPolicy.New });
      const messages = await consumer.consume({ max_messages: 64 });
      if (liveness) {
        this.running.add(liveness);
        liveness(this.isConnected());
        void watchConsumer(messages.status(), (live) => liveness(live && this.isConnected()));
      }
      try {
        for await (const message of messages) await this.handle(message, handler, 'durable' in spec);
      } finally {
        if (liveness) {
          this.running.delete(liveness);
          liveness(false);
        }
      }
    } catch (error) {
      if (this.closing) return;
      this.options.log.warn({ err: error }, 'user events consumer stopped; restarting');
      setTimeout(() => void this.consume(spec, handler), 1_000).unref();
    }
  }

  private async durableConsumer(durable: string) {
    const manager = await jetstreamManager(this.connection!);
    await manager.consumers.add(this.streamName, {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(30_000),
    });
    return this.client!.consumers.get(this.streamName, durable);
  }

  private async handle(message: JsMsg, handler: UserEventHandler, acked: boolean): Promise<void> {
    let event: UserEvent;
    try {
      event = UserEvent.parse(message.json());
    } catch (error) {
      // A message that breaks the contract can never succeed: drop it, loudly.
      this.options.log.error({ err: error, subject: message.subject }, 'dropping user event that fails the contract');
      if (acked) message.term();
      return;
    }
    try {
      await handler(event);
      if (acked) message.ack();
    } catch (error) {
      this.options.log.warn({ err: error, userId: event.userId, type: event.type }, 'user event handler failed; will retry');
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
