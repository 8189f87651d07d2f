import { parentPort, workerData } from 'node:worker_threads';
import { decodeSizedRelease, ReleaseRecordRefusedError, type DecodeLimits } from './codec.js';

/** One job of the ReleaseDecoder pool: decodes a record within the pool's limits, off the event loop. */
export interface DecodeJob {
  data: string;
  base64Layers: number;
  /** Bytes of JSON this record may inflate to: the pool's cap, or less when the request's budget is lower. */
  maxDecodedBytes: number;
}
export type DecodeAnswer = { release: unknown; bytes: number } | { refused: string; tooLarge: boolean };

const limits = workerData as DecodeLimits;
parentPort?.on('message', (job: DecodeJob) => {
  let answer: DecodeAnswer;
  try {
    answer = decodeSizedRelease(job.data, { ...limits, maxDecodedBytes: job.maxDecodedBytes }, job.base64Layers);
  } catch (error) {
    answer =
      error instanceof ReleaseRecordRefusedError
        ? { refused: error.message, tooLarge: error.tooLarge }
        : { refused: 'stored record could not be decoded', tooLarge: false };
  }
  parentPort?.postMessage(answer);
});
