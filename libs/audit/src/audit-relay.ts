import type { AuditEvent } from '@platform/contracts';
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

export interface AuditRelayOptions {
  outbox: AuditOutbox;
  publisher: AuditEventPublisher;
  /** The first failure of a streak (NATS away); the relay keeps retrying on its interval. */
  onError: (error: unknown) => void;
  onRecovered?: () => void;
  intervalMs?: number;
  batchSize?: number;
  observer?: AuditRelayObserver;
}

/**
 * Publishes what waits in an audit outbox and removes each event only after JetStream stored it. A crash
 * between the two publishes the event again later: JetStream drops the repeat by message id (the event
 * id) within its window, and the store's unique id after it, so an event is kept exactly once.
 */
export class AuditRelay {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private failing = false;

  constructor(private readonly options: AuditRelayOptions) {}

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

  /** Resolves once everything waiting now was relayed, or rejects with the first failure. */
  async flush(): Promise<void> {
    await this.running;
    while (await this.pass());
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
        if (await this.pass()) this.again = true;
      } catch (error) {
        if (!this.failing) this.options.onError(error);
        this.failing = true;
        return;
      }
      if (this.failing) this.options.onRecovered?.();
      this.failing = false;
    } while (this.again && !this.stopped);
  }

  /** Relays one batch; true when the batch was full (more may wait). */
  private async pass(): Promise<boolean> {
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
