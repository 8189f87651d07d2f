import type { ChartView } from '@platform/api-client';
import { parse } from 'yaml';

/** The tar entries of a gzipped archive that sit directly in its top folder (the chart's own files, not subcharts'). */
async function topLevelFiles(archive: Blob): Promise<Map<string, Uint8Array>> {
  const tar = new Uint8Array(await new Response(archive.stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
  const text = (from: number, length: number) => new TextDecoder().decode(tar.subarray(from, from + length)).replace(/\0.*$/s, '');
  const files = new Map<string, Uint8Array>();
  // Each entry is a 512-byte header (name, octal size, type; ustar's prefix extends the name) and its data padded to 512.
  for (let offset = 0; offset + 512 <= tar.length;) {
    const name = text(offset, 100);
    if (name === '') break;
    const size = parseInt(text(offset + 124, 12).trim() || '0', 8);
    const type = text(offset + 156, 1);
    const path = [text(offset + 345, 155), name].filter(Boolean).join('/');
    const parts = path.split('/');
    if ((type === '0' || type === '') && parts.length === 2) files.set(parts[1]!, tar.subarray(offset + 512, offset + 512 + size));
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

/**
 * What GET /api/charts/show answers for a repository's chart, read from an archive in the browser: the
 * platform keeps no uploaded archive to show, and the person should see its defaults before installing it.
 * Throws when the file is not a gzipped tar with a Chart.yaml (the install would be refused anyway).
 */
export async function readChartArchive(archive: Blob): Promise<ChartView> {
  const files = await topLevelFiles(archive);
  const text = (name: string) => (files.has(name) ? new TextDecoder().decode(files.get(name)) : null);
  const chart = parse(text('Chart.yaml') ?? '') as Record<string, unknown> | null;
  if (!chart || typeof chart.name !== 'string') throw new Error('no Chart.yaml');
  const schema = text('values.schema.json');
  return {
    name: chart.name,
    version: String(chart.version ?? ''),
    appVersion: chart.appVersion === undefined ? undefined : String(chart.appVersion),
    description: typeof chart.description === 'string' ? chart.description : undefined,
    values: text('values.yaml') ?? '',
    readme: text('README.md'),
    schema: schema === null ? null : (JSON.parse(schema) as Record<string, unknown>),
  };
}
