import type { ServiceName } from '@platform/contracts';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { outboxRecorder, type AuditRecorder } from './audit-recorder.js';
import { AuditRelay, type AuditEventPublisher } from './audit-relay.js';
import { FileAuditSpool } from './file-spool.js';
import { auditRelayMetrics } from './metrics.js';

/**
 * The audit of a service without a database (gateway, releases): events spooled to disk, relayed to
 * JetStream. The recorder works from the start; the relay starts once the app (and its metrics) exist.
 */
export class SpooledAudit {
  private relay: AuditRelay | null = null;
  readonly recorder: AuditRecorder;

  private constructor(
    source: ServiceName,
    private readonly spool: FileAuditSpool,
  ) {
    this.recorder = outboxRecorder(source, spool, { kick: () => this.relay?.kick() });
  }

  static async open(source: ServiceName, folder: string): Promise<SpooledAudit> {
    return new SpooledAudit(source, await FileAuditSpool.open(folder));
  }

  /** Relays what waits (events of an earlier run first) and every event recorded from now on. */
  start(publisher: AuditEventPublisher, registry: Registry, log: Pick<Logger, 'warn' | 'info'>): void {
    this.relay = new AuditRelay({
      outbox: this.spool,
      publisher,
      onError: (error) => log.warn({ err: error }, 'audit relay cannot deliver audit events; they wait in the spool'),
      onRecovered: () => log.info('audit relay delivers audit events again'),
      observer: auditRelayMetrics(registry),
    });
    this.relay.start();
  }

  async stop(): Promise<void> {
    await this.relay?.stop();
  }
}
