import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { helmBin, registryBin } from '@platform/test-support';

const run = promisify(execFile);

/** `helm package` of a chart folder: the archive's bytes. */
export async function packageChart(chart: string): Promise<Buffer> {
  const out = await mkdtemp(join(tmpdir(), 'releases-test-package-'));
  await run(await helmBin(), ['package', chart, '-d', out], { env: { PATH: process.env.PATH, HOME: out } });
  const [file] = await readdir(out);
  return readFile(join(out, file!));
}

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

/**
 * A real OCI registry (the CNCF distribution registry) on 127.0.0.1, storing on a temporary folder, with
 * `charts` pushed by `helm push` under `oci://<endpoint>/charts`. Stopped by close(). Fails within
 * `registryStartMs` naming the binary when it is missing, exits or does not answer, and stops the process
 * it started then: a registry left running would keep the test process alive (a hang, not a failure).
 */
export async function startRegistry(charts: string[]) {
  const bin = await registryBin();
  const folder = await mkdtemp(join(tmpdir(), 'releases-test-registry-'));
  const port = await freePort();
  const config = join(folder, 'config.yml');
  await writeFile(
    config,
    [
      'version: 0.1',
      'log: { level: error }',
      `storage: { filesystem: { rootdirectory: ${join(folder, 'data')} } }`,
      `http: { addr: "127.0.0.1:${port}" }`,
      '',
    ].join('\n'),
  );
  const child = spawn(bin, ['serve', config], { stdio: 'ignore', env: { PATH: process.env.PATH, OTEL_TRACES_EXPORTER: 'none' } });
  const ended = new Promise<string>((resolve) => {
    child.once('error', (error) => resolve(error.message));
    child.once('exit', (code, signal) => resolve(`exited with ${code ?? signal}`));
  });
  const close = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await ended;
  };
  const endpoint = `127.0.0.1:${port}`;
  /** `helm push` of a chart folder to oci://<endpoint>/charts. */
  const push = async (chart: string) => {
    const packaged = join(folder, `${Math.random().toString(36).slice(2)}.tgz`);
    await writeFile(packaged, await packageChart(chart));
    await run(await helmBin(), ['push', packaged, `oci://${endpoint}/charts`, '--plain-http'], { env: { PATH: process.env.PATH, HOME: folder } });
  };
  try {
    await waitUntilServing(`http://${endpoint}/v2/`, ended, `the registry (${bin}) on ${endpoint}`);
    for (const chart of charts) await push(chart);
  } catch (error) {
    await close();
    throw error;
  }
  return { endpoint, close, push };
}

const registryStartMs = 10_000;

/** Resolves once `url` answers 2xx; rejects, naming `what`, when `ended` settles first or after registryStartMs. */
async function waitUntilServing(url: string, ended: Promise<string>, what: string): Promise<void> {
  let exit: string | undefined;
  void ended.then((reason) => (exit = reason));
  const deadline = Date.now() + registryStartMs;
  while (exit === undefined && Date.now() < deadline) {
    const ready = await fetch(url, { signal: AbortSignal.timeout(1000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(exit === undefined ? `${what} did not answer within ${registryStartMs} ms` : `${what} did not start: ${exit}`);
}

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
