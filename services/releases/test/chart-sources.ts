import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { helmBin } from '@platform/test-support';

/** Real OCI registries (the distribution binary) and `helm package`, shared with the integration suites. */
export { packageChart, startRegistry } from '@platform/test-support';

const run = promisify(execFile);

/**
 * A Helm HTTP repository on 127.0.0.1: the packaged charts and the index.yaml `helm repo index` made
 * (relative URLs). `routes` answers other paths first (redirects, oversized bodies). With `authorization`,
 * its files need exactly that Authorization header (401 with a Basic challenge otherwise). `received` keeps
 * each request's path and Authorization header, to see where credentials went.
 */
export async function serveRepository(
  charts: string[],
  routes: Record<string, (response: ServerResponse, request: IncomingMessage) => void> = {},
  options: { authorization?: string } = {},
) {
  const folder = await mkdtemp(join(tmpdir(), 'releases-test-repo-'));
  for (const chart of charts) await run(await helmBin(), ['package', chart, '-d', folder], { env: { PATH: process.env.PATH, HOME: folder } });
  await run(await helmBin(), ['repo', 'index', folder], { env: { PATH: process.env.PATH, HOME: folder } });
  const requests: string[] = [];
  const received: Array<{ path: string; authorization?: string }> = [];
  const server: Server = createServer(async (request, response) => {
    const path = request.url ?? '/';
    requests.push(path);
    received.push({ path, ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}) });
    const route = routes[path];
    if (route) return route(response, request);
    if (options.authorization !== undefined && request.headers.authorization !== options.authorization) {
      return void response.writeHead(401, { 'www-authenticate': 'Basic realm="charts"' }).end('who are you?');
    }
    const file = path.replace(/^\/+/, '');
    if (file.includes('/') || file.includes('..')) return void response.writeHead(404).end();
    try {
      response.writeHead(200).end(await readFile(join(folder, file)));
    } catch {
      response.writeHead(404).end('no such file');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    endpoint: `127.0.0.1:${port}`,
    folder,
    requests,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A gzipped tar of exactly these entries (names as given, `type` '0' file, '2' symlink): archives helm would never make. */
export function handMadeArchive(entries: Array<{ name: string; data?: string; type?: '0' | '2'; link?: string }>): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const data = Buffer.from(entry.data ?? '');
    const header = Buffer.alloc(512);
    header.write(entry.name, 0, 100);
    header.write('0000644\0', 100);
    header.write('0000000\0', 108);
    header.write('0000000\0', 116);
    header.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124);
    header.write('00000000000\0', 136);
    header.write('        ', 148);
    header.write(entry.type ?? '0', 156);
    if (entry.link) header.write(entry.link, 157, 100);
    header.write('ustar\u000000', 257);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}
