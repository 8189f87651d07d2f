import { Worker } from 'node:worker_threads';
import { AppError } from '@platform/service-kit';
import { ErrorCode } from '@platform/contracts';
import { decodeSizedRelease, ReleaseRecordRefusedError, type DecodedRelease, type DecodeLimits, type HelmRelease } from './codec.js';
import { ReplicaDecodeBudget, type DecodeBound, type RequestDecodeBudget } from './decode-budgets.js';
import type { DecodeAnswer, DecodeJob } from './decode-worker.js';

export interface ReleaseDecoderOptions {
  limits: DecodeLimits;
  /** Bytes of JSON the records read by one request may inflate to in all (see forRequest). */
  requestMaxBytes: number;
  /** Bytes of JSON the requests in flight may hold decoded at once; past it a decode is refused 503. */
  replicaMaxBytes: number;
  /** Worker threads decoding records that inflate past `inlineMaxBytes`. */
  workers: number;
  /** Records waiting for a worker; beyond this a request is refused 503 rather than queued without bound. */
  queueMax: number;
  /** Records that inflate to at most this are decoded at once on the event loop (a few ms at most). */
  inlineMaxBytes: number;
  /**
   * Old-generation heap of each worker. By default a few times the cap (gunzip output, its string, the parsed
   * object), never the service's whole heap.
   */
  workerHeapMb?: number;
}

/** What a driver decodes stored records with: the whole pool, or one request's share of it (forRequest). */
export interface RecordDecoder {
  decode(data: string, base64Layers: number): Promise<HelmRelease>;
}

/** One request's decoder; release() once the request is over, so what it decoded stops counting. */
export interface RequestDecoder extends RecordDecoder {
  release(): void;
}

interface Pending {
  job: Omit<DecodeJob, 'maxDecodedBytes'>;
  budget?: RequestDecodeBudget;
  /** The bound the worker decodes it within, set when it is handed to one. */
  bound?: DecodeBound;
  resolve: (release: HelmRelease) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  current?: Pending;
}

/**
 * A stored record is at most Helm's 1 MiB object limit, base64 twice over in a Secret; this refuses nothing
 * a real cluster stores.
 */
const releaseRecordMaxChars = 3 * 2 ** 20;
/** Records that inflate to at most this decode inline (milliseconds); larger ones go to the worker pool. */
const inlineDecodeMaxBytes = 2 ** 20;
/** Large records waiting for a decoding worker before requests are refused 503. */
const decodeQueueMax = 64;

/** The service's decoder settings around the three an operator chooses. */
export function releaseDecoderOptions(maxDecodedBytes: number, workers: number, requestMaxBytes: number, replicaMaxBytes: number): ReleaseDecoderOptions {
  return {
    limits: { maxEncodedChars: releaseRecordMaxChars, maxDecodedBytes },
    requestMaxBytes,
    replicaMaxBytes,
    workers,
    queueMax: decodeQueueMax,
    inlineMaxBytes: inlineDecodeMaxBytes,
  };
}

/** Seconds a client is told to wait when every worker is busy and the queue is full. */
const busyRetryAfterSeconds = 5;

/**
 * Decodes stored release records, which come from the user's cluster. Almost every real record is small and
 * is decoded inline; one that inflates past `inlineMaxBytes` (a big chart, or a gzip bomb) goes to a bounded
 * pool of worker threads, so decoding it up to the cap never stalls other users' requests or the probes.
 * A worker that dies (out of its heap) fails its job and is replaced.
 *
 * The cap bounds one record; a request reads many (a history, a list), each just under it, so a request's
 * records are decoded with forRequest(), within `requestMaxBytes` in all: a cluster holding many records that
 * each inflate to the cap cannot make one request hold hundreds of MiB. Nor can many requests at once: what
 * they hold counts against `replicaMaxBytes` until each is released, and past it a decode is refused 503.
 */
export class ReleaseDecoder implements RecordDecoder {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private readonly inlineLimits: DecodeLimits;
  private readonly replica: ReplicaDecodeBudget;
  private closed = false;

  constructor(private readonly options: ReleaseDecoderOptions) {
    this.inlineLimits = { ...options.limits, maxDecodedBytes: Math.min(options.inlineMaxBytes, options.limits.maxDecodedBytes) };
    this.replica = new ReplicaDecodeBudget(options.replicaMaxBytes);
  }

  /** Bytes of release JSON the requests not yet released hold. */
  get heldBytes(): number {
    return this.replica.held;
  }

  /** The release in `data`; throws ReleaseRecordRefusedError, or 503 when the pool's queue is full. */
  decode(data: string, base64Layers: number): Promise<HelmRelease> {
    return this.decodeWithin(data, base64Layers);
  }

  /** A decoder for one request: its records together inflate to at most `requestMaxBytes`, past which each is refused. */
  forRequest(): RequestDecoder {
    const budget = this.replica.request(this.options.requestMaxBytes);
    return { decode: (data, base64Layers) => this.decodeWithin(data, base64Layers, budget), release: () => budget.release() };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.reject(new ReleaseRecordRefusedError('the service is shutting down'));
    await Promise.all(this.slots.splice(0).map((slot) => slot.worker.terminate()));
  }

  private async decodeWithin(data: string, base64Layers: number, budget?: RequestDecodeBudget): Promise<HelmRelease> {
    if (budget && !budget.isOpen) throw requestOver();
    const { bytes: limit, bound } = this.limitFor(budget);
    if (limit <= 0) throw this.refusal(bound);
    let decoded: DecodedRelease;
    try {
      decoded = decodeSizedRelease(data, { ...this.inlineLimits, maxDecodedBytes: Math.min(this.inlineLimits.maxDecodedBytes, limit) }, base64Layers);
    } catch (error) {
      if (!(error instanceof ReleaseRecordRefusedError && error.tooLarge)) throw error;
      if (limit <= this.inlineLimits.maxDecodedBytes) throw this.refusal(bound, error);
      return this.offload({ data, base64Layers }, budget);
    }
    return this.spend(decoded.release, decoded.bytes, budget);
  }

  /** The bytes a record may inflate to now: the cap, or what is left of its request's or the replica's budget. */
  private limitFor(budget?: RequestDecodeBudget): { bytes: number; bound: DecodeBound } {
    return budget?.limit(this.options.limits.maxDecodedBytes) ?? { bytes: this.options.limits.maxDecodedBytes, bound: 'record' };
  }

  /** Counts a decoded record against its request; records decoding at once may together pass the budget. */
  private spend(release: HelmRelease, bytes: number, budget?: RequestDecodeBudget): HelmRelease {
    if (budget && !budget.spend(bytes)) throw this.refusal('request');
    return release;
  }

  /**
   * A record that inflates past the bound it was decoded within: refused for the cap (`capRefusal`) or for
   * its request's budget; or a refusal to decode now, 503, while the requests in flight hold the replica's.
   */
  private refusal(bound: DecodeBound, capRefusal?: ReleaseRecordRefusedError): Error {
    if (bound === 'replica') return busy('release decoding is busy, try again later');
    if (bound === 'request') {
      return new ReleaseRecordRefusedError(`the request's records decode to over ${this.options.requestMaxBytes} bytes in all`, { tooLarge: true });
    }
    return capRefusal ?? new ReleaseRecordRefusedError(`decoded record over ${this.options.limits.maxDecodedBytes} bytes`, { tooLarge: true });
  }

  private offload(job: Pending['job'], budget?: RequestDecodeBudget): Promise<HelmRelease> {
    if (this.queue.length >= this.options.queueMax) throw busy('release decoding is busy, try again later');
    return new Promise((resolve, reject) => {
      this.queue.push({ job, budget, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0 && !this.closed) {
      const slot = this.slots.find((candidate) => !candidate.current) ?? this.newSlot();
      if (!slot) return;
      const pending = this.queue.shift()!;
      // A request answered already (another of its records was refused, or its client left) wants no more.
      if (pending.budget && !pending.budget.isOpen) {
        pending.reject(requestOver());
        continue;
      }
      // The budgets as they are now: records decoded while this one waited have spent part of them.
      const { bytes: maxDecodedBytes, bound } = this.limitFor(pending.budget);
      if (maxDecodedBytes <= 0) {
        pending.reject(this.refusal(bound));
        continue;
      }
      pending.bound = bound;
      slot.current = pending;
      // Busy workers keep the process alive until their answer; idle ones never hold it up.
      slot.worker.ref();
      slot.worker.postMessage({ ...pending.job, maxDecodedBytes } satisfies DecodeJob);
    }
  }

  private newSlot(): Slot | undefined {
    if (this.slots.length >= this.options.workers) return undefined;
    const worker = new Worker(workerScript, {
      eval: underTsx,
      workerData: this.options.limits,
      resourceLimits: { maxOldGenerationSizeMb: this.options.workerHeapMb ?? Math.max(128, Math.ceil((this.options.limits.maxDecodedBytes * 6) / 2 ** 20)) },
    });
    const slot: Slot = { worker };
    worker.unref();
    worker.on('message', (answer: DecodeAnswer) => {
      const pending = slot.current;
      slot.current = undefined;
      worker.unref();
      if (pending) this.settle(pending, answer);
      this.dispatch();
    });
    const fail = (error: unknown) => {
      const index = this.slots.indexOf(slot);
      if (index < 0) return;
      this.slots.splice(index, 1);
      slot.current?.reject(new ReleaseRecordRefusedError('decoding the stored record exhausted its memory', { cause: error }));
      slot.current = undefined;
      this.dispatch();
    };
    worker.on('error', fail);
    worker.on('exit', fail);
    this.slots.push(slot);
    return slot;
  }

  private settle(pending: Pending, answer: DecodeAnswer): void {
    if ('release' in answer) {
      try {
        pending.resolve(this.spend(answer.release as HelmRelease, answer.bytes, pending.budget));
      } catch (error) {
        pending.reject(error as Error);
      }
      return;
    }
    const refusal = new ReleaseRecordRefusedError(answer.refused, { tooLarge: answer.tooLarge });
    pending.reject(answer.tooLarge ? this.refusal(pending.bound ?? 'record', refusal) : refusal);
  }
}

function requestOver(): ReleaseRecordRefusedError {
  return new ReleaseRecordRefusedError('the request is over');
}

function busy(message: string): AppError {
  return new AppError(503, ErrorCode.Unavailable, [message], { headers: { 'retry-after': String(busyRetryAfterSeconds) } });
}

/**
 * Built, the worker is decode-worker.js. Under tsx (tests run the sources) it is the .ts file, which a worker
 * can load only once tsx is registered in it: Node 20 does not carry `--import` hooks into workers.
 */
const underTsx = import.meta.url.endsWith('.ts');
const workerScript = underTsx
  ? `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./decode-worker.ts', import.meta.url).href)}); });`
  : new URL('./decode-worker.js', import.meta.url);
