import { gunzipSync, gzipSync, constants } from 'node:zlib';
import type { Release } from '@platform/contracts';

/** A release as Helm 3 stores it: its JSON, with every field kept as Helm wrote it. */
export type HelmRelease = Release;

const gzipMagic = [0x1f, 0x8b, 0x08];

/** Helm's encodeRelease: base64(gzip(json)), gzip at best compression as Helm writes it. */
export function encodeRelease(release: HelmRelease): string {
  return gzipSync(Buffer.from(JSON.stringify(release)), { level: constants.Z_BEST_COMPRESSION }).toString('base64');
}

/** Helm's decodeRelease: base64, then gunzip when the gzip magic header is there (old records are plain JSON). */
export function decodeRelease(data: string): HelmRelease {
  const bytes = Buffer.from(data, 'base64');
  const isGzip = gzipMagic.every((byte, index) => bytes[index] === byte);
  return JSON.parse((isGzip ? gunzipSync(bytes) : bytes).toString('utf8')) as HelmRelease;
}

/** The storage key of one revision: `sh.helm.release.v1.<name>.v<revision>`. */
export function releaseKey(name: string, version: number): string {
  return `sh.helm.release.v1.${name}.v${version}`;
}
