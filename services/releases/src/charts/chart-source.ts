import { createHash } from 'node:crypto';
import { AppError } from '@platform/service-kit';
import { ErrorCode, chartArchiveMaxBytes, type ChartReference } from '@platform/contracts';
import type { ClusterAddressPolicy } from '../kube/address-policy.js';
import { unpackChartArchive } from './archive.js';
import { checkedDownload, checkedDownloadEntity, DownloadNotFoundError } from './checked-download.js';
import type { RepositoryIndexCache } from './index-cache.js';
import { pullOciChart } from './oci-registry.js';
import { parseRepositoryIndex, pickChartVersion, type IndexedChartVersion } from './repository-index.js';

/** An index.yaml larger than this is refused (a public hub's index is tens of MiB: name the repository of the chart). */
export const repositoryIndexMaxBytes = 8 * 1024 * 1024;

export interface ChartSourceOptions {
  policy: ClusterAddressPolicy;
  timeoutMs: number;
  /** Parsed indexes by URL; without one every install reads index.yaml again. */
  indexes?: RepositoryIndexCache;
}

/**
 * The files of the chart a request names, unpacked within the bounds of a chart on disk: an uploaded
 * archive, one pulled from an OCI registry (see pullOciChart), or from a Helm HTTP repository the version `constraint` picks in its index.yaml, downloaded under
 * the address policy and checked against the index's digest.
 */
export async function loadChart(reference: ChartReference, constraint: string | undefined, options: ChartSourceOptions): Promise<Map<string, Buffer>> {
  if (reference.archive !== undefined) return unpackChartArchive(Buffer.from(reference.archive, 'base64'));
  if (reference.oci !== undefined) return unpackChartArchive(await pullOciChart(reference.oci, reference.plainHttp ?? false, constraint, options));
  const base = repositoryBase(reference.repository!);
  const download = (url: URL, maxBytes: number) => checkedDownload(options.policy, url, { maxBytes, timeoutMs: options.timeoutMs, what: 'chart repository' });
  const entry = pickChartVersion(await repositoryIndex(reference.repository!, options), reference.name!, constraint);
  let archive: Buffer;
  try {
    archive = await download(new URL(entry.urls[0]!, base), chartArchiveMaxBytes);
  } catch (error) {
    if (error instanceof DownloadNotFoundError) throw AppError.notFound(`chart ${entry.name} ${entry.version} is in the index but its archive is not served`);
    throw error;
  }
  if (entry.digest) {
    const expected = entry.digest.replace(/^sha256:/, '').toLowerCase();
    if (createHash('sha256').update(archive).digest('hex') !== expected) {
      throw unreachableRepository(`the archive of ${entry.name} ${entry.version} does not match the index's digest`);
    }
  }
  return unpackChartArchive(archive);
}

/** The charts of a Helm HTTP repository's index.yaml (502/604 when it has none). */
export async function repositoryIndex(repository: string, options: ChartSourceOptions): Promise<Map<string, IndexedChartVersion[]>> {
  const url = new URL('index.yaml', repositoryBase(repository));
  const download = (headers: Record<string, string>) =>
    checkedDownloadEntity(options.policy, url, { maxBytes: repositoryIndexMaxBytes, timeoutMs: options.timeoutMs, what: 'chart repository', headers });
  try {
    if (options.indexes) return await options.indexes.get(url.toString(), download);
    return parseRepositoryIndex((await download({})).body.toString('utf8'));
  } catch (error) {
    if (error instanceof DownloadNotFoundError) throw unreachableRepository('it has no index.yaml', error);
    throw error;
  }
}

function repositoryBase(repository: string): URL {
  return new URL(new URL(repository).toString().replace(/\/?$/, '/'));
}

function unreachableRepository(reason: string, cause?: unknown): AppError {
  return new AppError(502, ErrorCode.ClusterUnreachable, [`chart repository unreachable: ${reason}`], { cause });
}
