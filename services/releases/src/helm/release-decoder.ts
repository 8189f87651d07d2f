import { Worker } from 'node:worker_threads';
import { AppError } from '@platform/service-kit';
import { ErrorCode } from '@platform/contracts';
import { decodeRelease, ReleaseRecordRefusedError, type DecodeLimits, type HelmRelease } from './codec.js';
import type { DecodeAnswer, DecodeJob } from './decode-worker.js';

export interface ReleaseDecoderOptions {
  limits: DecodeLimits;
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

interface Pending {
  job: DecodeJob;
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

/** The service's decoder settings around the two an operator chooses. */
export function releaseDecoderOptions(maxDecodedBytes: number, workers: number): ReleaseDecoderOptions {
  return {
    limits: { maxEncodedChars: releaseRecordMaxChars, maxDecodedBytes },
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
 */
export class ReleaseDecoder {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private readonly inlineLimits: DecodeLimits;
  private closed = false;

  constructor(private readonly options: ReleaseDecoderOptions) {
    this.inlineLimits = { ...options.limits, maxDecodedBytes: Math.min(options.inlineMaxBytes, options.limits.maxDecodedBytes) };
  }

  /** The release in `data`; throws ReleaseRecordRefusedError, or 503 when the pool's queue is full. */
  async decode(data: string, base64Layers: number): Promise<HelmRelease> {
    try {
      return decodeRelease(data, this.inlineLimits, base64Layers);
    } catch (error) {
      const inflatesFurther =
        error instanceof ReleaseRecordRefusedError && error.tooLarge && this.inlineLimits.maxDecodedBytes < this.options.limits.maxDecodedBytes;
      if (!inflatesFurther) throw error;
    }
    return this.offload({ data, base64Layers });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.reject(new ReleaseRecordRefusedError('the service is shutting down'));
    await Promise.all(this.slots.splice(0).map((slot) => slot.worker.terminate()));
  }

  private offload(job: DecodeJob): Promise<HelmRelease> {
    if (this.queue.length >= this.options.queueMax) {
      throw new AppError(503, ErrorCode.Unavailable, ['release decoding is busy, try again later'], {
        headers: { 'retry-after': String(busyRetryAfterSeconds) },
      });
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0 && !this.closed) {
      const slot = this.slots.find((candidate) => !candidate.current) ?? this.newSlot();
      if (!slot) return;
      slot.current = this.queue.shift()!;
      // Busy workers keep the process alive until their answer; idle ones never hold it up.
      slot.worker.ref();
      slot.worker.postMessage(slot.current.job);
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
      if ('release' in answer) pending?.resolve(answer.release as HelmRelease);
      else pending?.reject(new ReleaseRecordRefusedError(answer.refused));
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
}

/**
 * Built, the worker is decode-worker.js. Under tsx (tests run the sources) it is the .ts file, which a worker
 * can load only once tsx is registered in it: Node 20 does not carry `--import` hooks into workers.
 */
const underTsx = import.meta.url.endsWith('.ts');
const workerScript = underTsx
  ? `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./decode-worker.ts', import.meta.url).href)}); });`
  : new URL('./decode-worker.js', import.meta.url);
