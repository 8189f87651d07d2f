import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, normalize, isAbsolute } from 'node:path';
import { AppError } from '@platform/service-kit';
import { ErrorCode } from '@platform/contracts';
import { stringify } from 'yaml';
import type { HelmRelease } from './codec.js';

interface ChartFile {
  name: string;
  data: string;
}

/**
 * Writes the chart stored in a release back to a chart folder: Chart.yaml from the metadata, values.yaml,
 * values.schema.json, templates and other files (base64 in the release JSON). Subcharts are not part of
 * Helm's stored release, so a chart with dependencies cannot be re-rendered from storage (helm says so).
 */
export async function writeChart(folder: string, chart: HelmRelease['chart']): Promise<string> {
  const root = join(folder, 'chart');
  await mkdir(root, { recursive: true });
  await writeFile(join(root, 'Chart.yaml'), stringify(chart.metadata));
  await writeFile(join(root, 'values.yaml'), stringify(chart.values ?? {}));
  const schema = (chart as { schema?: unknown }).schema;
  if (typeof schema === 'string' && schema !== '') await writeFile(join(root, 'values.schema.json'), Buffer.from(schema, 'base64'));
  const files = [...(chart.templates ?? []), ...(((chart as { files?: ChartFile[] | null }).files) ?? [])];
  for (const file of files) {
    const target = safePath(root, file.name);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, Buffer.from(file.data, 'base64'));
  }
  return root;
}

/** File names come from the cluster: never let one write outside the chart folder. */
function safePath(root: string, name: string): string {
  const relative = normalize(name);
  if (isAbsolute(relative) || relative.startsWith('..') || relative === '.' || relative.includes('\0')) {
    throw new AppError(500, ErrorCode.ClusterOperationFailed, [`stored chart has an unsafe file name: ${name}`]);
  }
  return join(root, relative);
}
