export interface RelayLoopOptions {
  /** The first failure of a streak (NATS or a database away); the loop keeps retrying on its interval. */
  onError: (error: unknown) => void;
  /** The first successful pass after a failure streak. */
  onRecovered?: () => void;
  /** Pass interval that picks up what failed earlier or what other replicas wrote. */
  intervalMs?: number;
}

/**
 * The schedule of an outbox relay: one pass at a time, on an interval and whenever kicked (a kick during a
 * pass asks for another right after it), until a pass says nothing more waits. Reports the first failure of
 * a streak and the recovery rather than every retry, so NATS being away logs one line, not one a second.
 */
export abstract class RelayLoop {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private failing = false;

  constructor(private readonly loopOptions: RelayLoopOptions) {}

  /** Relays one batch and says whether more may wait (the batch was full). */
  protected abstract pass(): Promise<boolean>;

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), this.loopOptions.intervalMs ?? 1_000);
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
        if (!this.failing) this.loopOptions.onError(error);
        this.failing = true;
        return;
      }
      if (this.failing) this.loopOptions.onRecovered?.();
      this.failing = false;
    } while (this.again && !this.stopped);
  }
}
