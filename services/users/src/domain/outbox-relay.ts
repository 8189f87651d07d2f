import type { UserEvent } from '@platform/contracts';
import { RelayLoop, type RelayLoopOptions } from '@platform/service-kit';
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

export interface OutboxRelayOptions extends RelayLoopOptions {
  repository: UserRepository;
  publisher: UserEventPublisher;
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
export class OutboxRelay extends RelayLoop {
  constructor(private readonly options: OutboxRelayOptions) {
    super(options);
  }

  /** Relays one batch of outboxes; true when the batch was full (more may wait). */
  protected async pass(): Promise<boolean> {
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
    return outboxes.length === batchSize;
  }
}
