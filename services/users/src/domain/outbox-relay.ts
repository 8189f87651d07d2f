import type { UserEvent } from '@platform/contracts';
import type { UserRepository } from './user-repository.js';

/** Where published events go: the EventBus in production. */
export interface UserEventPublisher {
  publishUserEvent(event: UserEvent): Promise<void>;
}

/** What the relay reports as it goes (metrics). */
export interface OutboxRelayObserver {
  /** An event JetStream stored, and when (milliseconds since the epoch). */
  published(event: UserEvent, publishedAt: number): void;
  /** How many events the pass found waiting (at most `batchSize` users' worth). */
  pending(count: number): void;
}

export interface OutboxRelayOptions {
  repository: UserRepository;
  publisher: UserEventPublisher;
  /** The first failure of a streak (NATS or the database away); the relay keeps retrying on its interval. */
  onError: (error: unknown) => void;
  /** The first successful pass after a failure streak. */
  onRecovered?: () => void;
  /** Pass interval that picks up what failed earlier (NATS down) or what other replicas wrote. */
  intervalMs?: number;
  /** Users handled per pass. */
  batchSize?: number;
  observer?: OutboxRelayObserver;
}

/**
 * Publishes the events waiting in users' outboxes, in order per user, and removes each one once JetStream
 * stored it. Replicas may relay the same outbox at once: an event is removed only after it was published,
 * the next one is published only after that, and JetStream drops the repeats by message id, so the
 * stream keeps every event once and in order.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private failing = false;

  constructor(private readonly options: OutboxRelayOptions) {}

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), this.options.intervalMs ?? 1_000);
    this.timer.unref();
    this.kick();
  }

  /** Runs a pass now, or right after the one in progress. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = null;
    });
  }

  /** Resolves once every event that is waiting now has been relayed, or rejects with the first failure. */
  async flush(): Promise<void> {
    await this.running;
    await this.pass();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.pass();
      } catch (error) {
        if (!this.failing) this.options.onError(error);
        this.failing = true;
        return;
      }
      if (this.failing) this.options.onRecovered?.();
      this.failing = false;
    } while (this.again && !this.stopped);
  }

  /** Relays one batch of outboxes; asks for another pass when the batch was full. */
  private async pass(): Promise<void> {
    const { repository, publisher } = this.options;
    const batchSize = this.options.batchSize ?? 100;
    const outboxes = await repository.pendingOutboxes(batchSize);
    this.options.observer?.pending(outboxes.reduce((count, outbox) => count + outbox.events.length, 0));
    let failure: { error: unknown } | undefined;
    for (const { userId, events } of outboxes) {
      try {
        for (const event of events) {
          const published = { ...event, userId };
          await publisher.publishUserEvent(published);
          this.options.observer?.published(published, Date.now());
          await repository.removePublishedEvent(userId, event);
        }
        await repository.purgeIfDeletedAndDelivered(userId);
      } catch (error) {
        // One user's failure must not hold back the others; their order is kept by stopping here for this user.
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
    if (outboxes.length === batchSize) this.again = true;
  }
}
