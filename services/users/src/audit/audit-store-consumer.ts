import { AuditEventsConsumer, type AuditEvent } from '@platform/contracts';
import type { AuditEventHandler } from '@platform/service-kit';
import type { AuditStore } from './audit-store.js';

/** What the store reports as it goes (metrics). */
export interface AuditStoreObserver {
  /** `stored` false: the event was there already (a redelivery, or a repeat the stream let through). */
  handled(event: AuditEvent, stored: boolean, handledAt: number): void;
}

export interface AuditEventSource {
  subscribeAuditEvents(durable: string, handler: AuditEventHandler): void;
}

/**
 * Stores every audit event through the durable consumer the service's replicas share: JetStream hands each
 * event to one of them and redelivers it until it is acknowledged, which happens only after the insert,
 * so a replica that dies mid-way loses nothing; the event id as key makes a redelivery store nothing twice.
 */
export function storeAuditEvents(source: AuditEventSource, store: AuditStore, observer?: AuditStoreObserver): void {
  source.subscribeAuditEvents(AuditEventsConsumer.store, async (event) => {
    const stored = await store.insert(event);
    observer?.handled(event, stored, Date.now());
  });
}

/** Deletes events older than the retention, now and then every `intervalMs`. */
export class AuditRetention {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: AuditStore,
    private readonly retentionDays: number,
    private readonly onError: (error: unknown) => void,
    private readonly intervalMs = 60 * 60 * 1000,
  ) {}

  start(): void {
    const sweep = () => void this.sweep().catch(this.onError);
    sweep();
    this.timer = setInterval(sweep, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** How many events it deleted. */
  sweep(now: number = Date.now()): Promise<number> {
    return this.store.deleteOlderThan(new Date(now - this.retentionDays * 24 * 60 * 60 * 1000));
  }
}
