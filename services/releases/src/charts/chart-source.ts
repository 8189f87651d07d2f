import { createHash } from 'node:crypto';
import { AppError } from '@platform/service-kit';
import { ErrorCode, chartArchiveMaxBytes, type ChartReference } from '@platform/contracts';
import { unpackChartArchive } from './archive.js';
import { authorizationOf } from './credentials.js';
import { checkedDownload, checkedDownloadEntity, DownloadNotFoundError, DownloadUnauthorizedError } from './checked-download.js';
import type { RepositoryIndexCache } from './index-cache.js';
import { pullOciChart, type RegistryOptions } from './oci-registry.js';
import { parseRepositoryIndex, pickChartVersion, type IndexedChartVersion } from './repository-index.js';

/** An index.yaml larger than this is refused (a public hub's index is tens of MiB: name the repository of the chart). */
export const repositoryIndexMaxBytes = 8 * 1024 * 1024;

export interface ChartSourceOptions extends RegistryOptions {
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
  const entry = pickChartVersion(await repositoryIndex(reference.repository!, options), reference.name!, constraint);
  const url = new URL(entry.urls[0]!, base);
  // As Helm without --pass-credentials: an archive the index places on another host gets no credentials.
  const headers: Record<string, string> = options.credentials && url.origin === base.origin ? { authorization: authorizationOf(options.credentials) } : {};
  let archive: Buffer;
  try {
    archive = await checkedDownload(options.policy, url, { maxBytes: chartArchiveMaxBytes, timeoutMs: options.timeoutMs, what: 'chart repository', headers });
  } catch (error) {
    if (error instanceof DownloadNotFoundError) throw AppError.notFound(`chart ${entry.name} ${entry.version} is in the index but its archive is not served`);
    throw refusedAccess(error, options);
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
  const authorization = options.credentials ? authorizationOf(options.credentials) : undefined;
  const download = (headers: Record<string, string>) =>
    checkedDownloadEntity(options.policy, url, {
      maxBytes: repositoryIndexMaxBytes,
      timeoutMs: options.timeoutMs,
      what: 'chart repository',
      headers: authorization === undefined ? headers : { ...headers, authorization },
    });
  try {
    // An index read with credentials is cached for those credentials only, never served to anyone without them.
    if (options.indexes) return await options.indexes.get(url.toString(), download, authorization);
    return parseRepositoryIndex((await download({})).body.toString('utf8'));
  } catch (error) {
    if (error instanceof DownloadNotFoundError) throw unreachableRepository('it has no index.yaml', error);
    throw refusedAccess(error, options);
  }
}

function repositoryBase(repository: string): URL {
  return new URL(new URL(repository).toString().replace(/\/?$/, '/'));
}

/** A 401 is the repository refusing the request: without credentials, or with the ones the user stored. */
function refusedAccess(error: unknown, options: ChartSourceOptions): unknown {
  if (!(error instanceof DownloadUnauthorizedError)) return error;
  return unreachableRepository(options.credentials ? 'it refused the credentials' : 'it requires credentials', error);
}

function unreachableRepository(reason: string, cause?: unknown): AppError {
  return new AppError(502, ErrorCode.ClusterUnreachable, [`chart repository unreachable: ${reason}`], { cause });
}
