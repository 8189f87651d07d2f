import { LRUCache } from 'lru-cache';
import type { HelmRelease } from './codec.js';

/** One stored revision's release JSON, checked to be a JSON object, with what a list sorts by. */
export interface ReleaseBody {
  /** The release's JSON, made once when the record is read: lists pass it through without serialising again. */
  json: string;
  /** `info.last_deployed` in ms since the epoch (0 when absent or unreadable). */
  lastDeployed: number;
}

/** A decoded (and so already checked) release as the cache keeps it: serialised once, when it is read. */
export function releaseBodyOf(release: HelmRelease): ReleaseBody {
  const time = Date.parse(release.info.last_deployed ?? '');
  return { json: JSON.stringify(release), lastDeployed: Number.isNaN(time) ? 0 : time };
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

  /** JSON bytes held (string lengths plus a fixed overhead per entry). */
  get bytes(): number {
    return this.entries?.calculatedSize ?? 0;
  }

  get size(): number {
    return this.entries?.size ?? 0;
  }
}

/** A rough per-entry overhead (entry object, key string, LRU slots) on top of the JSON text. */
const entryOverheadBytes = 160;

function bodyBytes(body: ReleaseBody): number {
  return body.json.length + entryOverheadBytes;
}
