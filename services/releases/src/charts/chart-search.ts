/// <reference path="./semver.d.ts" />
import { rcompare, valid } from 'semver';
import { AppError } from '@platform/service-kit';
import { ChartName, chartSearchLimits, ErrorMessage, type ChartSearchQuery, type ChartSearchResult, type RepositoryAccess } from '@platform/contracts';
import type { UserRepositorySource } from '../users/repository-source.js';
import { repositoryIndex, type ChartSourceOptions } from './chart-source.js';
import { listOciChartVersions } from './oci-registry.js';

type FoundChart = ChartSearchResult['charts'][number];

/**
 * The charts of the user's repositories (or of the one `repository` names) whose name or latest description
 * contains `q`, each with its versions newest first. An HTTP repository is read from its index.yaml; an OCI
 * registry cannot be listed reliably (its catalog API is usually off), so it answers only for the chart named
 * exactly `q`, from its tags list. Both are cached (60 s, then revalidated by ETag). A repository
 * that cannot be read is reported in `unavailable` and the others are still answered.
 */
export async function searchCharts(
  userId: number,
  query: ChartSearchQuery,
  source: UserRepositorySource,
  options: ChartSourceOptions,
): Promise<ChartSearchResult> {
  const all = await source.repositories(userId);
  const repositories = query.repository === undefined ? all : all.filter((repository) => repository.name === query.repository);
  if (query.repository !== undefined && repositories.length === 0) throw AppError.notFound(`repository ${query.repository} not found`);
  const needle = (query.q ?? '').toLowerCase();
  const unavailable: ChartSearchResult['unavailable'] = [];
  const found = await Promise.all(
    repositories.map((repository) =>
      chartsOf(repository, needle, { ...options, ...(repository.credentials ? { credentials: repository.credentials } : {}) }).catch((error: unknown) => {
        unavailable.push({
          repository: repository.name,
          error: error instanceof AppError ? (error.errors[0] ?? ErrorMessage.internal) : ErrorMessage.internal,
        });
        return [];
      }),
    ),
  );
  const charts = found.flat().sort((a, b) => a.repository.localeCompare(b.repository) || a.name.localeCompare(b.name));
  const truncated = charts.length > chartSearchLimits.charts || charts.some((chart) => chart.versions.length > chartSearchLimits.versionsPerChart);
  return {
    charts: charts.slice(0, chartSearchLimits.charts).map((chart) => ({ ...chart, versions: chart.versions.slice(0, chartSearchLimits.versionsPerChart) })),
    truncated,
    unavailable: unavailable.sort((a, b) => a.repository.localeCompare(b.repository)),
  };
}

async function chartsOf(repository: RepositoryAccess, needle: string, options: ChartSourceOptions): Promise<FoundChart[]> {
  if (repository.url.startsWith('oci://')) return ociChart(repository, needle, options);
  const charts: FoundChart[] = [];
  for (const [name, indexed] of await repositoryIndex(repository.url, options)) {
    const versions = newestFirst(indexed.filter((entry) => valid(entry.version, { loose: true }) !== null));
    const latest = versions[0];
    if (latest === undefined) continue;
    const description = typeof latest.description === 'string' ? latest.description : undefined;
    if (!name.toLowerCase().includes(needle) && !description?.toLowerCase().includes(needle)) continue;
    charts.push({
      repository: repository.name,
      name,
      latestVersion: latest.version,
      versions: versions.map((entry) => entry.version),
      ...(typeof latest.appVersion === 'string' ? { appVersion: latest.appVersion } : {}),
      ...(description !== undefined ? { description } : {}),
    });
  }
  return charts;
}

async function ociChart(repository: RepositoryAccess, needle: string, options: ChartSourceOptions): Promise<FoundChart[]> {
  if (!ChartName.safeParse(needle).success) return [];
  let tags: string[];
  try {
    tags = await listOciChartVersions(`${repository.url.replace(/\/+$/, '')}/${needle}`, repository.plainHttp, options);
  } catch (error) {
    // No such chart in this registry is no result, not a failure of the repository.
    if (error instanceof AppError && error.status === 404) return [];
    throw error;
  }
  const versions = newestFirst(tags.filter((tag) => valid(tag, { loose: true }) !== null).map((version) => ({ version }))).map((entry) => entry.version);
  if (versions.length === 0) return [];
  return [{ repository: repository.name, name: needle, latestVersion: versions[0]!, versions }];
}

/** Semver order, newest first: an index need not be sorted, a tags list rarely is. */
function newestFirst<T extends { version: string }>(entries: T[]): T[] {
  return [...entries].sort((a, b) => rcompare(a.version, b.version, { loose: true }));
}
