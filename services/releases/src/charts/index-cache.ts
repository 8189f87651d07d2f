import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { DownloadedEntity } from './checked-download.js';
import { parseRepositoryIndex, type IndexedChartVersion } from './repository-index.js';

interface CachedDocument<T> {
  value: T;
  etag?: string;
  checkedAt: number;
}

/** What a lookup did: `hit` (fresh, no request), `revalidated` (a 304 kept the document), `downloaded` (read and parsed), `failed`. */
export type ChartCacheResult = 'hit' | 'revalidated' | 'downloaded' | 'failed';
export type ChartCacheObserver = (result: ChartCacheResult) => void;

export interface RevalidatedCacheOptions {
  /** Documents kept at most (each parsed, up to a few MiB). */
  max: number;
  /** How long a document is used without asking its server again. */
  freshMs: number;
}

/**
 * Parsed documents (a repository's index.yaml, a registry's tags list) by URL. Within `freshMs` a document
 * is used as is; after that the server is asked again with its ETag, and a 304 keeps the parsed document
 * (no download, no parse). A document read with credentials is kept under its URL and a digest of those
 * credentials: only a request with the same credentials gets it. `downloads` counts the requests made, and
 * `observe` hears what each lookup did (the releases service's metrics).
 */
export class RevalidatedCache<T> {
  private readonly documents: LRUCache<string, CachedDocument<T>>;
  downloads = 0;

  constructor(
    private readonly options: RevalidatedCacheOptions,
    private readonly parse: (body: Buffer) => T,
    private readonly observe: ChartCacheObserver = () => undefined,
  ) {
    this.documents = new LRUCache({ max: options.max });
  }

  async get(url: string, download: (headers: Record<string, string>) => Promise<DownloadedEntity>, credentials?: string): Promise<T> {
    const key = credentials === undefined ? url : `${url}\n${createHash('sha256').update(credentials).digest('hex')}`;
    const cached = this.documents.get(key);
    if (cached && Date.now() - cached.checkedAt < this.options.freshMs) {
      this.observe('hit');
      return cached.value;
    }
    this.downloads += 1;
    try {
      const answer = await download(cached?.etag ? { 'if-none-match': cached.etag } : {});
      if (answer.notModified && cached) {
        cached.checkedAt = Date.now();
        this.observe('revalidated');
        return cached.value;
      }
      const value = this.parse(answer.body);
      this.documents.set(key, { value, checkedAt: Date.now(), ...(answer.etag ? { etag: answer.etag } : {}) });
      this.observe('downloaded');
      return value;
    } catch (error) {
      this.observe('failed');
      throw error;
    }
  }
}

export type RepositoryIndexCache = RevalidatedCache<Map<string, IndexedChartVersion[]>>;

/** The cache of index.yaml files, parsed. */
export function repositoryIndexCache(options: RevalidatedCacheOptions, observe?: ChartCacheObserver): RepositoryIndexCache {
  return new RevalidatedCache(options, (body) => parseRepositoryIndex(body.toString('utf8')), observe);
}
