import { LRUCache } from 'lru-cache';
import type { HelmRelease } from './codec.js';

/** One stored revision's release JSON, checked to be a JSON object, with what a list sorts by. */
export interface ReleaseBody {
  /**
   * The release's JSON as UTF-8, made once when the record is read: lists copy these bytes into their answer,
   * neither serialising nor encoding again (encoding a list's megabytes of text was a third of its CPU).
   */
  bytes: Buffer;
  /** `info.last_deployed` in ms since the epoch (0 when absent or unreadable). */
  lastDeployed: number;
}

/** A decoded (and so already checked) release as the cache keeps it: serialised once, when it is read. */
export function releaseBodyOf(release: HelmRelease): ReleaseBody {
  const time = Date.parse(release.info.last_deployed ?? '');
  const json = JSON.stringify(release);
  // Unpooled: a small Buffer.from() is a slice of a shared 8 KiB slab, which one cached body would keep alive.
  const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(json));
  bytes.write(json);
  return { bytes, lastDeployed: Number.isNaN(time) ? 0 : time };
}

/**
 * Decoded release bodies by stored object version (cluster, object uid and resourceVersion). Such a pair names one
 * immutable write, so an entry is never stale: a changed record has a new resourceVersion and misses. Bounded
 * by the bytes of JSON it holds, least recently used out first. Shared by every user: a key is only learnt
 * from a list the cluster answered with that user's credentials.
 */
export class ReleaseBodyCache {
  private readonly entries: LRUCache<string, ReleaseBody> | undefined;

  constructor(maxBytes: number) {
    this.entries =
      maxBytes > 0 ? new LRUCache<string, ReleaseBody>({ maxSize: maxBytes, sizeCalculation: (body, key) => bodyBytes(body) + key.length }) : undefined;
  }

  get(key: string): ReleaseBody | undefined {
    return this.entries?.get(key);
  }

  set(key: string, body: ReleaseBody): void {
    this.entries?.set(key, body);
  }

  /** JSON bytes held, plus a fixed overhead per entry. */
  get bytes(): number {
    return this.entries?.calculatedSize ?? 0;
  }

  get size(): number {
    return this.entries?.size ?? 0;
  }
}

/** A rough per-entry overhead (entry and Buffer objects, key string, LRU slots) on top of the JSON bytes. */
const entryOverheadBytes = 160;

function bodyBytes(body: ReleaseBody): number {
  return body.bytes.length + entryOverheadBytes;
}
