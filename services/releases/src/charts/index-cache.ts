import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { DownloadedEntity } from './checked-download.js';
import { parseRepositoryIndex, type IndexedChartVersion } from './repository-index.js';

type Charts = Map<string, IndexedChartVersion[]>;

interface CachedIndex {
  charts: Charts;
  etag?: string;
  checkedAt: number;
}

export interface RepositoryIndexCacheOptions {
  /** Indexes kept at most (each parsed, up to a few MiB). */
  max: number;
  /** How long an index is used without asking the repository again. */
  freshMs: number;
}

/**
 * Parsed index.yaml files by URL. Within `freshMs` an index is used as is; after that the repository is
 * asked again with its ETag, and a 304 keeps the parsed index (no download, no parse). An index read with
 * credentials is kept under its URL and a digest of the Authorization header it was read with: only a
 * request with the same credentials gets it.
 */
export class RepositoryIndexCache {
  private readonly indexes: LRUCache<string, CachedIndex>;

  constructor(private readonly options: RepositoryIndexCacheOptions) {
    this.indexes = new LRUCache({ max: options.max });
  }

  async get(url: string, download: (headers: Record<string, string>) => Promise<DownloadedEntity>, authorization?: string): Promise<Charts> {
    const key = authorization === undefined ? url : `${url}\n${createHash('sha256').update(authorization).digest('hex')}`;
    const cached = this.indexes.get(key);
    if (cached && Date.now() - cached.checkedAt < this.options.freshMs) return cached.charts;
    const answer = await download(cached?.etag ? { 'if-none-match': cached.etag } : {});
    if (answer.notModified && cached) {
      cached.checkedAt = Date.now();
      return cached.charts;
    }
    const charts = parseRepositoryIndex(answer.body.toString('utf8'));
    this.indexes.set(key, { charts, checkedAt: Date.now(), ...(answer.etag ? { etag: answer.etag } : {}) });
    return charts;
  }
}
