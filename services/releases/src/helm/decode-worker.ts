import { parentPort, workerData } from 'node:worker_threads';
import { decodeRelease, ReleaseRecordRefusedError, type DecodeLimits } from './codec.js';

/** One job of the ReleaseDecoder pool: decodes a record within the pool's limits, off the event loop. */
export interface DecodeJob {
  data: string;
  base64Layers: number;
}
export type DecodeAnswer = { release: unknown } | { refused: string };

const limits = workerData as DecodeLimits;
parentPort?.on('message', (job: DecodeJob) => {
  let answer: DecodeAnswer;
  try {
    answer = { release: decodeRelease(job.data, limits, job.base64Layers) };
  } catch (error) {
    answer = { refused: error instanceof ReleaseRecordRefusedError ? error.message : 'stored record could not be decoded' };
  }
  parentPort?.postMessage(answer);
});
