import { constants, gunzipSync, gzipSync } from 'node:zlib';
import type { Release } from '@platform/contracts';

/** A release as Helm 3 stores it: its JSON, with every field kept as Helm wrote it. */
export type HelmRelease = Release;

/** Bounds on one stored record: both sides of the decoding come from the user's cluster. */
export interface DecodeLimits {
  /** Characters of the record as stored (Helm's own 1 MiB object limit keeps real ones far below). */
  maxEncodedChars: number;
  /** Bytes of release JSON after base64 and gunzip. */
  maxDecodedBytes: number;
}

/** A stored record this service will not decode; the message names the record, never its content. */
export class ReleaseRecordRefusedError extends Error {
  override readonly name = 'ReleaseRecordRefusedError';
  /** Refused only for inflating past the cap (a larger cap might take it). */
  readonly tooLarge: boolean;

  constructor(message: string, options?: { cause?: unknown; tooLarge?: boolean }) {
    super(message, options);
    this.tooLarge = options?.tooLarge ?? false;
  }
}

const gzipMagic = [0x1f, 0x8b, 0x08];

/** Helm's encodeRelease: base64(gzip(json)), gzip at best compression as Helm writes it. */
export function encodeRelease(release: HelmRelease): string {
  return gzipSync(Buffer.from(JSON.stringify(release)), { level: constants.Z_BEST_COMPRESSION }).toString('base64');
}

/** A decoded record and the bytes of JSON it inflated to (what a request's decoding budget counts). */
export interface DecodedRelease {
  release: HelmRelease;
  bytes: number;
}

/**
 * Helm's decodeRelease within `limits`: base64 (`base64Layers` times: a Secret's data adds one), then gunzip
 * when the gzip magic header is there (old records are plain JSON), then JSON. gunzip stops at the cap, so a
 * record that would inflate to gigabytes costs at most `maxDecodedBytes`. Throws ReleaseRecordRefusedError.
 */
export function decodeRelease(data: string, limits: DecodeLimits, base64Layers = 1): HelmRelease {
  return decodeSizedRelease(data, limits, base64Layers).release;
}

/** decodeRelease, also telling how many bytes of JSON the record inflated to. */
export function decodeSizedRelease(data: string, limits: DecodeLimits, base64Layers = 1): DecodedRelease {
  if (data.length > limits.maxEncodedChars) throw new ReleaseRecordRefusedError(`stored record over ${limits.maxEncodedChars} characters`);
  let bytes = Buffer.from(data, 'base64');
  for (let layer = 1; layer < base64Layers; layer += 1) bytes = Buffer.from(bytes.toString('latin1'), 'base64');
  const isGzip = gzipMagic.every((byte, index) => bytes[index] === byte);
  let json: Buffer;
  try {
    json = isGzip ? gunzipSync(bytes, { maxOutputLength: limits.maxDecodedBytes }) : bytes;
  } catch (error) {
    const tooLarge = (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
    throw new ReleaseRecordRefusedError(tooLarge ? `decoded record over ${limits.maxDecodedBytes} bytes` : 'stored record is not valid gzip', {
      cause: error,
      tooLarge,
    });
  }
  if (json.length > limits.maxDecodedBytes) throw new ReleaseRecordRefusedError(`decoded record over ${limits.maxDecodedBytes} bytes`, { tooLarge: true });
  let release: unknown;
  try {
    release = JSON.parse(json.toString('utf8'));
  } catch (error) {
    throw new ReleaseRecordRefusedError('stored record is not JSON', { cause: error });
  }
  if (!isHelmRelease(release)) throw new ReleaseRecordRefusedError('stored record is not a Helm release');
  return { release, bytes: json.length };
}

/**
 * The fields every action relies on, checked by hand: the contract's zod schema copies every nested object
 * (templates included), which doubled the cost of decoding a list's records.
 */
function isHelmRelease(value: unknown): value is HelmRelease {
  const release = value as Partial<Record<'name' | 'namespace' | 'version' | 'info' | 'chart', unknown>> | null;
  if (typeof release !== 'object' || release === null || Array.isArray(release)) return false;
  const info = release.info as { status?: unknown } | null | undefined;
  const metadata = (release.chart as { metadata?: { name?: unknown; version?: unknown } } | null | undefined)?.metadata;
  return (
    typeof release.name === 'string' &&
    typeof release.namespace === 'string' &&
    Number.isInteger(release.version) &&
    typeof info?.status === 'string' &&
    typeof metadata?.name === 'string' &&
    typeof metadata.version === 'string'
  );
}

/** The storage key of one revision: `sh.helm.release.v1.<name>.v<revision>`. */
export function releaseKey(name: string, version: number): string {
  return `sh.helm.release.v1.${name}.v${version}`;
}
