import type { UserEvent } from '@platform/contracts';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { AuditStoreObserver } from './audit/audit-store-consumer.js';
import type { OutboxRelayObserver } from './domain/outbox-relay.js';

/** The users service's own series, in the app's registry: how fast and how completely events leave. */
export function outboxRelayMetrics(registry: Registry): OutboxRelayObserver {
  const lag = new Histogram({
    name: 'user_event_delivery_lag_seconds',
    help: "Time from a user change (the event's occurredAt) until JetStream stored its event, by event type.",
    labelNames: ['type'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
    registers: [registry],
  });
  const pending = new Gauge({
    name: 'user_events_pending',
    help: 'User events waiting in outboxes when the relay last looked (counted over at most one batch of users).',
    registers: [registry],
  });
  return {
    published: (event: UserEvent, publishedAt: number) => lag.observe({ type: event.type }, Math.max(0, publishedAt - Date.parse(event.occurredAt)) / 1000),
    pending: (count: number) => pending.set(count),
  };
}

/** The audit store's series: events stored (and redeliveries that stored nothing), how late, and the backlog. */
export function auditStoreMetrics(registry: Registry, backlog: () => Promise<number | null>): AuditStoreObserver {
  const stored = new Counter({
    name: 'audit_events_stored_total',
    help: 'Audit events the store consumer handled, by type and result (stored, or duplicate: already stored, nothing written).',
    labelNames: ['type', 'result'] as const,
    registers: [registry],
  });
  const lag = new Gauge({
    name: 'audit_store_lag_seconds',
    help: 'Time from the operation (event time) until the store held it, for the last event stored by this replica.',
    registers: [registry],
  });
  new Gauge({
    name: 'audit_store_backlog',
    help: 'Audit events on JetStream the store has not acknowledged yet (its durable consumer; -1 while NATS is away).',
    registers: [registry],
    async collect() {
      this.set((await backlog().catch(() => null)) ?? -1);
    },
  });
  return {
    handled: (event, wasStored, handledAt) => {
      stored.inc({ type: event.type, result: wasStored ? 'stored' : 'duplicate' });
      if (wasStored) lag.set(Math.max(0, handledAt - Date.parse(event.time)) / 1000);
    },
  };
}
