import type { AuditEvent } from '@platform/contracts';
import { RelayLoop, type RelayLoopOptions } from '@platform/service-kit';
import type { AuditOutbox } from './audit-outbox.js';

/** Where relayed events go: the EventBus in production. */
export interface AuditEventPublisher {
  publishAuditEvent(event: AuditEvent): Promise<void>;
}

/** What the relay reports as it goes (metrics). */
export interface AuditRelayObserver {
  published(event: AuditEvent, publishedAt: number): void;
  /** Events found waiting by the last pass (at most one batch). */
  pending(count: number): void;
}

export interface AuditRelayOptions extends RelayLoopOptions {
  outbox: AuditOutbox;
  publisher: AuditEventPublisher;
  batchSize?: number;
  observer?: AuditRelayObserver;
}

/**
 * Publishes what waits in an audit outbox and removes each event only after JetStream stored it. A crash
 * between the two publishes the event again later: JetStream drops the repeat by message id (the event
 * id) within its window, and the store's unique id after it, so an event is kept exactly once.
 */
export class AuditRelay extends RelayLoop {
  constructor(private readonly options: AuditRelayOptions) {
    super(options);
  }

  /** Relays one batch; true when the batch was full (more may wait). */
  protected async pass(): Promise<boolean> {
    const batchSize = this.options.batchSize ?? 100;
    const pending = await this.options.outbox.pending(batchSize);
    this.options.observer?.pending(pending.length);
    for (const { event, remove } of pending) {
      await this.options.publisher.publishAuditEvent(event);
      this.options.observer?.published(event, Date.now());
      await remove();
    }
    return pending.length === batchSize;
  }
}
