import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, normalize, isAbsolute, sep } from 'node:path';
import { AppError } from '@platform/service-kit';
import { ErrorCode } from '@platform/contracts';
import { stringify } from 'yaml';
import type { HelmRelease } from './codec.js';

interface ChartFile {
  name: string;
  data: string;
}

/**
 * Bounds on a chart written to disk for helm: it comes from the user's cluster, an upload or a repository.
 * Helm's own chart loader allows 5 MiB per file; real charts have tens to a few hundred files.
 */
export const chartLimits = { maxFiles: 1000, maxFileBytes: 5 * 2 ** 20, maxTotalBytes: 20 * 2 ** 20 } as const;

/** The names we write ourselves: a stored file of that name would overwrite one. */
const reservedNames = new Set(['Chart.yaml', 'values.yaml', 'values.schema.json']);

/**
 * Writes the chart stored in a release back to a chart folder: Chart.yaml from the metadata, values.yaml,
 * values.schema.json, templates and other files (base64 in the release JSON). Subcharts are not part of
 * Helm's stored release, so a chart with dependencies cannot be re-rendered from storage (helm says so).
 * Refused 500/603 before anything is written: more than `chartLimits` allows, a name that leaves the folder,
 * or two files of one name.
 */
export async function writeChart(folder: string, chart: HelmRelease['chart']): Promise<string> {
  const schema = (chart as { schema?: unknown }).schema;
  const stored = [...(chart.templates ?? []), ...((chart as { files?: ChartFile[] | null }).files ?? [])];
  const files = new Map<string, Buffer>([
    ['Chart.yaml', Buffer.from(stringify(chart.metadata))],
    ['values.yaml', Buffer.from(stringify(chart.values ?? {}))],
  ]);
  if (typeof schema === 'string' && schema !== '') files.set('values.schema.json', Buffer.from(schema, 'base64'));
  if (stored.length > chartLimits.maxFiles) throw unsafeChart(`more than ${chartLimits.maxFiles} files`);
  let total = 0;
  for (const file of files.values()) total += file.length;
  for (const file of stored) {
    if (typeof file?.name !== 'string' || typeof file.data !== 'string') throw unsafeChart('a file without name or data');
    const name = chartRelativeName(file.name);
    if (files.has(name) || reservedNames.has(name)) throw unsafeChart(`two files named ${name}`);
    const data = Buffer.from(file.data, 'base64');
    if (data.length > chartLimits.maxFileBytes) throw unsafeChart(`file ${name} over ${chartLimits.maxFileBytes} bytes`);
    total += data.length;
    if (total > chartLimits.maxTotalBytes) throw unsafeChart(`files over ${chartLimits.maxTotalBytes} bytes in all`);
    files.set(name, data);
  }
  return writeChartFiles(folder, files);
}

/**
 * Writes checked chart files (names from chartRelativeName, sizes within chartLimits) into `<folder>/chart`.
 * Files are created new (`wx`), so nothing is written through a link or over another file.
 */
export async function writeChartFiles(folder: string, files: ReadonlyMap<string, Buffer>, refuse = unsafeChart): Promise<string> {
  const root = join(folder, 'chart');
  await mkdir(root, { recursive: true });
  for (const [name, data] of files) {
    const target = join(root, name);
    try {
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, data, { flag: 'wx' });
    } catch (error) {
      // `templates` as a file and `templates/x.yaml`, or the other way round.
      if (['EEXIST', 'ENOTDIR', 'EISDIR'].includes((error as { code?: string }).code ?? '')) throw refuse(`file ${name} clashes with another`);
      throw error;
    }
  }
  return root;
}

/** A chart file's name as given by others: relative, inside the chart folder, no NUL; refused with `refuse`. */
export function chartRelativeName(name: string, refuse: (reason: string) => AppError = unsafeChart): string {
  const relative = normalize(name);
  if (name === '' || isAbsolute(relative) || relative === '.' || relative === '..' || relative.startsWith(`..${sep}`) || relative.includes('\0')) {
    throw refuse(`an unsafe file name: ${JSON.stringify(name.slice(0, 100))}`);
  }
  return relative.replace(/\/+$/, '');
}

function unsafeChart(reason: string): AppError {
  return new AppError(500, ErrorCode.ClusterOperationFailed, [`stored chart refused: ${reason}`]);
}
