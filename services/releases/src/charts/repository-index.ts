/// <reference path="./semver.d.ts" />
import { maxSatisfying, validRange } from 'semver';
import { parse } from 'yaml';
import { AppError } from '@platform/service-kit';
import { ErrorCode } from '@platform/contracts';

/** One version of a chart in a repository's index.yaml. */
export interface IndexedChartVersion {
  name: string;
  version: string;
  /** Where the archive is: absolute, or relative to the repository's URL. */
  urls: string[];
  /** `sha256:<hex>` or bare hex, when the index gives one. */
  digest?: string;
  appVersion?: string;
  description?: string;
  created?: string;
}

/**
 * The chart versions of a Helm repository's index.yaml, by chart name. Entries that are not shaped as Helm
 * writes them are skipped, not trusted. 502/604 when the text is not an index at all.
 */
export function parseRepositoryIndex(text: string): Map<string, IndexedChartVersion[]> {
  let index: unknown;
  try {
    index = parse(text, { maxAliasCount: 100 });
  } catch (error) {
    throw new AppError(502, ErrorCode.ClusterUnreachable, ['chart repository unreachable: index.yaml is not YAML'], { cause: error });
  }
  const entries = (index as { entries?: unknown } | null)?.entries;
  if (typeof entries !== 'object' || entries === null || Array.isArray(entries)) {
    throw new AppError(502, ErrorCode.ClusterUnreachable, ['chart repository unreachable: index.yaml has no entries']);
  }
  const charts = new Map<string, IndexedChartVersion[]>();
  for (const [name, versions] of Object.entries(entries)) {
    if (!Array.isArray(versions)) continue;
    const valid = versions.filter(isIndexedVersion).map((entry) => ({ ...entry, name }));
    if (valid.length > 0) charts.set(name, valid);
  }
  return charts;
}

function isIndexedVersion(entry: unknown): entry is IndexedChartVersion {
  const candidate = entry as Partial<IndexedChartVersion> | null;
  return (
    typeof candidate?.version === 'string' &&
    Array.isArray(candidate.urls) &&
    candidate.urls.length > 0 &&
    candidate.urls.every((url) => typeof url === 'string') &&
    (candidate.digest === undefined || typeof candidate.digest === 'string')
  );
}

/**
 * The newest version of `name` that satisfies `constraint` (Helm's constraint syntax: comma means "and", as
 * a space does in npm's), or the newest stable one when there is none. 404/602 naming the chart otherwise.
 */
export function pickChartVersion(charts: Map<string, IndexedChartVersion[]>, name: string, constraint?: string): IndexedChartVersion {
  const versions = charts.get(name);
  if (!versions) throw AppError.notFound(`chart ${name} not found in the repository`);
  const range = constraint === undefined ? '*' : constraint.replace(/,/g, ' ').replace(/^v/, '');
  if (validRange(range, { loose: true }) === null) {
    throw new AppError(422, ErrorCode.ValidationFailed, ['version validation failed: not a semver constraint']);
  }
  const best = maxSatisfying(
    versions.map((entry) => entry.version),
    range,
    { loose: true },
  );
  const picked = versions.find((entry) => entry.version === best);
  if (!picked) throw AppError.notFound(`chart ${name} has no version matching ${constraint ?? 'a stable version'}`);
  return picked;
}
