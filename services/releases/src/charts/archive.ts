import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { AppError } from '@platform/service-kit';
import { ErrorCode, chartArchiveMaxBytes } from '@platform/contracts';
import { chartLimits, chartRelativeName } from '../helm/chart-files.js';

const gunzipAsync = promisify(gunzip);
const block = 512;

/**
 * The files of a chart archive (`helm package`'s .tgz), by their path inside the chart's folder, within the
 * bounds of a chart on disk (chartLimits): the archive comes from a user or a repository they named. Helm's
 * own loader reads archives the same way: one top folder (the chart's name), regular files only.
 * 422/601 `chart validation failed: <reason>` for anything else: over a bound, not gzip or tar, a link,
 * a device, a name that leaves the folder, two files of one name.
 */
export async function unpackChartArchive(archive: Buffer): Promise<Map<string, Buffer>> {
  if (archive.length > chartArchiveMaxBytes) throw refused(`archive over ${chartArchiveMaxBytes} bytes`);
  let tar: Buffer;
  try {
    // Decompressed off the event loop, and never past what the files may add up to (plus tar's headers).
    tar = await gunzipAsync(archive, { maxOutputLength: chartLimits.maxTotalBytes + (chartLimits.maxFiles + 2) * 3 * block });
  } catch (error) {
    throw refused(error instanceof RangeError ? `files over ${chartLimits.maxTotalBytes} bytes in all` : 'not a gzip archive', error);
  }
  return readTar(tar);
}

function readTar(tar: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let top: string | undefined;
  let total = 0;
  let longName: string | undefined;
  for (let offset = 0; offset + block <= tar.length;) {
    const header = tar.subarray(offset, offset + block);
    if (header.every((byte) => byte === 0)) break;
    if (!checksumMatches(header)) throw refused('not a tar archive');
    const size = octal(header.subarray(124, 136));
    if (!Number.isSafeInteger(size)) throw refused('not a tar archive');
    const type = String.fromCharCode(header[156] || 0x30);
    const body = tar.subarray(offset + block, offset + block + size);
    if (body.length !== size) throw refused('truncated archive');
    offset += block + Math.ceil(size / block) * block;
    if (type === 'x' || type === 'L') {
      // A PAX header (its `path`) or a GNU long name names the next entry.
      longName = type === 'L' ? cString(body) : /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString('utf8'))?.[1];
      continue;
    }
    const name = longName ?? joinPrefix(cString(header.subarray(345, 500)), cString(header.subarray(0, 100)));
    longName = undefined;
    if (type === 'g' || type === '5') continue;
    if (type !== '0' && type !== '7') throw refused(`${JSON.stringify(name.slice(0, 100))} is not a regular file`);
    const [folder, ...rest] = name.replace(/^\.\//, '').split('/');
    if (!folder || rest.length === 0) throw refused(`${JSON.stringify(name.slice(0, 100))} is not inside the chart's folder`);
    if (top !== undefined && folder !== top) throw refused('more than one top folder');
    top = folder;
    const relative = chartRelativeName(rest.join('/'), refused);
    if (files.has(relative)) throw refused(`two files named ${relative}`);
    if (files.size >= chartLimits.maxFiles) throw refused(`more than ${chartLimits.maxFiles} files`);
    if (size > chartLimits.maxFileBytes) throw refused(`file ${relative} over ${chartLimits.maxFileBytes} bytes`);
    total += size;
    if (total > chartLimits.maxTotalBytes) throw refused(`files over ${chartLimits.maxTotalBytes} bytes in all`);
    files.set(relative, Buffer.from(body));
  }
  if (!files.has('Chart.yaml')) throw refused('no Chart.yaml');
  return files;
}

function checksumMatches(header: Buffer): boolean {
  let sum = 0;
  for (let index = 0; index < block; index += 1) sum += index >= 148 && index < 156 ? 0x20 : header[index]!;
  return sum === octal(header.subarray(148, 156));
}

function octal(field: Buffer): number {
  const text = cString(field).trim();
  return text === '' ? 0 : /^[0-7]{1,12}$/.test(text) ? parseInt(text, 8) : Number.NaN;
}

function cString(field: Buffer): string {
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? field.length : end).toString('utf8');
}

function joinPrefix(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}/${name}`;
}

function refused(reason: string, cause?: unknown): AppError {
  return new AppError(422, ErrorCode.ValidationFailed, [`chart validation failed: ${reason}`], { cause });
}
