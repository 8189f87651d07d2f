import { parse } from 'yaml';
import { AppError } from '@platform/service-kit';
import { ErrorCode, type ChartReference, type ChartVersionList, type ChartVersionsQuery, type ChartView } from '@platform/contracts';
import { loadChart, repositoryIndex, type ChartSourceOptions } from './chart-source.js';
import { listOciChartVersions } from './oci-registry.js';

/** The chart reference a query names (a repository and a chart, or an OCI reference). */
export function queriedChart(query: ChartVersionsQuery): ChartReference {
  return query.oci !== undefined ? { oci: query.oci, plainHttp: query.plainHttp } : { repository: query.repository, name: query.name };
}

/** The versions of a chart: its entries in the repository's index, or the registry's tags. 404/602 when none. */
export async function listChartVersions(chart: ChartReference, options: ChartSourceOptions): Promise<ChartVersionList> {
  if (chart.oci !== undefined) return (await listOciChartVersions(chart.oci, chart.plainHttp ?? false, options)).map((version) => ({ version }));
  const versions = (await repositoryIndex(chart.repository!, options)).get(chart.name!);
  if (!versions) throw AppError.notFound(`chart ${chart.name} not found in the repository`);
  return versions.map(({ version, appVersion, description, created }) => ({
    version,
    ...(typeof appVersion === 'string' ? { appVersion } : {}),
    ...(typeof description === 'string' ? { description } : {}),
    ...(typeof created === 'string' ? { created } : {}),
  }));
}

/**
 * A chart version's values.yaml (as text, comments kept), README and values.schema.json, from the same
 * checked download and bounded unpacking as an install.
 */
export async function showChart(chart: ChartReference, version: string | undefined, options: ChartSourceOptions): Promise<ChartView> {
  const files = await loadChart(chart, version, options);
  const metadata = parse(files.get('Chart.yaml')!.toString('utf8'), { maxAliasCount: 100 }) as Record<string, unknown> | null;
  const readme = [...files.keys()].find((name) => /^readme(\.md|\.txt)?$/i.test(name));
  const schemaText = files.get('values.schema.json')?.toString('utf8');
  let schema: Record<string, unknown> | null = null;
  if (schemaText !== undefined) {
    try {
      schema = JSON.parse(schemaText) as Record<string, unknown>;
    } catch (error) {
      throw new AppError(422, ErrorCode.ValidationFailed, ['chart validation failed: values.schema.json is not JSON'], { cause: error });
    }
  }
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return {
    name: text(metadata?.name) ?? '',
    version: text(metadata?.version) ?? '',
    ...(text(metadata?.appVersion) !== undefined ? { appVersion: text(metadata?.appVersion) } : {}),
    ...(text(metadata?.description) !== undefined ? { description: text(metadata?.description) } : {}),
    values: files.get('values.yaml')?.toString('utf8') ?? '',
    readme: readme === undefined ? null : files.get(readme)!.toString('utf8'),
    schema,
  };
}
