import type { AuditEvent } from '@platform/contracts';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { AuditRelayObserver } from './audit-relay.js';

/** The emitting side's series, in the app's registry: how many events left, how late, how many wait. */
export function auditRelayMetrics(registry: Registry): AuditRelayObserver {
  const published = new Counter({
    name: 'audit_events_published_total',
    help: 'Audit events JetStream stored from this process, by event type.',
    labelNames: ['type'] as const,
    registers: [registry],
  });
  const lag = new Histogram({
    name: 'audit_event_publish_lag_seconds',
    help: 'Time from an audited operation (the event time) until JetStream stored its event.',
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 60, 300, 3600],
    registers: [registry],
  });
  const pending = new Gauge({
    name: 'audit_events_pending',
    help: "Audit events waiting in this process's outbox when the relay last looked (at most one batch).",
    registers: [registry],
  });
  return {
    published: (event: AuditEvent, publishedAt: number) => {
      published.inc({ type: event.type });
      lag.observe(Math.max(0, publishedAt - Date.parse(event.time)) / 1000);
    },
    pending: (count: number) => pending.set(count),
  };
}
