import type { UserEvent } from '@platform/contracts';
import { Gauge, Histogram, type Registry } from 'prom-client';
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
