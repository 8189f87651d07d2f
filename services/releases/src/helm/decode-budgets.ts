/** The bound a record is decoded within: the cap on one record, what is left of its request's or of the replica's budget. */
export type DecodeBound = 'record' | 'request' | 'replica';

/**
 * Release JSON the requests in flight hold decoded, in this replica. A request's records stay in memory until
 * its answer is sent, so each request counts what it decoded until then: many requests at once, each within
 * its own budget, cannot together hold more than `max` (plus the records decoding at that moment).
 */
export class ReplicaDecodeBudget {
  held = 0;

  constructor(readonly max: number) {}

  request(max: number): RequestDecodeBudget {
    return new RequestDecodeBudget(this, max);
  }
}

/** What one request may still decode, and what it holds in the replica's budget until release(). */
export class RequestDecodeBudget {
  private spent = 0;
  private open = true;

  constructor(
    private readonly replica: ReplicaDecodeBudget,
    private remaining: number,
  ) {}

  /** False once released: the request is over, and nobody waits for its records. */
  get isOpen(): boolean {
    return this.open;
  }

  /** The bytes the next record may inflate to, and which bound sets them. */
  limit(recordMax: number): { bytes: number; bound: DecodeBound } {
    const replicaLeft = this.replica.max - this.replica.held;
    if (recordMax <= this.remaining && recordMax <= replicaLeft) return { bytes: recordMax, bound: 'record' };
    return this.remaining <= replicaLeft ? { bytes: this.remaining, bound: 'request' } : { bytes: replicaLeft, bound: 'replica' };
  }

  /**
   * Counts a decoded record; false when it takes the request past its budget (then it is not counted). A
   * record that finishes decoding after release() is dropped with its request, so it counts nowhere.
   */
  spend(bytes: number): boolean {
    if (bytes > this.remaining) {
      this.remaining = 0;
      return false;
    }
    this.remaining -= bytes;
    if (this.open) {
      this.spent += bytes;
      this.replica.held += bytes;
    }
    return true;
  }

  /** The request is over (answered or abandoned): what it held goes back to the replica. */
  release(): void {
    if (!this.open) return;
    this.open = false;
    this.replica.held -= this.spent;
    this.spent = 0;
  }
}
