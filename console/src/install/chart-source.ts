import type { InstallBody } from '@platform/api-client';

/** Where the chart to install comes from: the three kinds of `chart` an install takes. */
export type ChartSource =
  { kind: 'repository'; repository: string; name: string } | { kind: 'oci'; oci: string; plainHttp: boolean } | { kind: 'archive'; file: File };

/** The query of GET /api/charts/versions and /show; an uploaded archive has none (the server never stores it). */
export function locationQuery(source: ChartSource) {
  if (source.kind === 'repository') return { repository: source.repository, name: source.name };
  if (source.kind === 'oci') return { oci: source.oci, plainHttp: source.plainHttp || undefined };
  return null;
}

export async function chartReference(source: ChartSource): Promise<InstallBody['chart']> {
  if (source.kind === 'archive') return { archive: await base64Of(source.file) };
  return locationQuery(source)!;
}

/** The chart's name to suggest as the release's, as `helm install --generate-name` would start it. */
export function chartNameOf(source: ChartSource): string {
  if (source.kind === 'repository') return source.name;
  if (source.kind === 'oci') return source.oci.split('/').pop() ?? '';
  return source.file.name.replace(/\.tgz$/, '').replace(/-\d+\.\d+\.\d+.*$/, '');
}

/** A file's bytes as base64, as the install body carries an archive (the JSON body has no binary form). */
export async function base64Of(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  // Chunks keep String.fromCharCode's argument list short; one call per byte would be slow for 1 MiB.
  for (let start = 0; start < bytes.length; start += 0x8000) binary += String.fromCharCode(...bytes.subarray(start, start + 0x8000));
  return btoa(binary);
}
