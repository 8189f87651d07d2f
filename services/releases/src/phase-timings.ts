/**
 * Where one request's time went, by phase (milliseconds), for its `Server-Timing` header: operators and the
 * benchmark read an operation's split (storage reads, the helm run, the audit) from the answer itself.
 * A phase timed more than once adds up.
 */
export class PhaseTimings {
  private readonly phases = new Map<string, number>();
  private readonly started = performance.now();

  /** Runs `work` and adds its time to `phase`, whether it succeeds or throws. */
  async time<T>(phase: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.add(phase, performance.now() - started);
    }
  }

  add(phase: string, ms: number): void {
    this.phases.set(phase, (this.phases.get(phase) ?? 0) + ms);
  }

  /** `phase;dur=ms, …` in the order phases first ran, then `total` since this object was made. */
  header(): string {
    const entries = [...this.phases, ['total', performance.now() - this.started] as const];
    return entries.map(([phase, ms]) => `${phase};dur=${ms.toFixed(2)}`).join(', ');
  }
}
