import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { helm4Bin, helmBin, registryBin } from './index.js';

const run = promisify(execFile);

export interface RegistryUser {
  username: string;
  password: string;
}

/**
 * How a private registry asks for credentials: `htpasswd` answers 401 with a `Basic` challenge and checks one
 * user (bcrypt, as distribution requires); `token` answers 401 with a `Bearer realm=…` challenge and accepts
 * JWTs of `issuer` for `service` signed by the certificate in `rootCertBundle` (see startTokenServer).
 */
export type RegistryAuth = { htpasswd: RegistryUser } | { token: { realm: string; service: string; issuer: string; rootCertBundle: string } };

export interface RegistryOptions {
  auth?: RegistryAuth;
  /** Who pushes the charts given to startRegistry (`helm registry login` first); none: anonymous pushes. */
  pushAs?: RegistryUser;
  /**
   * Blob downloads are answered with a 307 to this base URL plus the blob's storage path (under `dataFolder`),
   * as a registry behind a CDN answers them (distribution's `redirect` storage middleware).
   */
  redirectBlobsTo?: string;
}

export interface PushOptions {
  /** Logs in as this user before pushing (`helm registry login`). */
  as?: RegistryUser;
  /** The helm CLI that pushes: Helm 3 (HELM_BIN) or Helm 4 (HELM4_BIN). */
  cli?: 'helm' | 'helm4';
}

/** `helm package` of a chart folder: the archive's bytes. */
export async function packageChart(chart: string): Promise<Buffer> {
  const out = await mkdtemp(join(tmpdir(), 'test-package-'));
  await run(await helmBin(), ['package', chart, '-d', out], { env: { PATH: process.env.PATH, HOME: out } });
  const [file] = await readdir(out);
  return readFile(join(out, file!));
}

/**
 * A real OCI registry (the CNCF distribution registry) on 127.0.0.1, storing on a temporary folder, with
 * `charts` pushed by `helm push` under `oci://<endpoint>/charts`. Stopped by close(). Fails within
 * `registryStartMs` naming the binary when it is missing, exits or does not answer, and stops the process
 * it started then: a registry left running would keep the test process alive (a hang, not a failure).
 */
export async function startRegistry(charts: string[] = [], options: RegistryOptions = {}) {
  const bin = await registryBin();
  const folder = await mkdtemp(join(tmpdir(), 'test-registry-'));
  const dataFolder = join(folder, 'data');
  const port = await freePort();
  const config = join(folder, 'config.yml');
  // YAML is a superset of JSON: the configuration is written as JSON.
  await writeFile(
    config,
    JSON.stringify({
      version: '0.1',
      log: { level: 'error' },
      storage: { filesystem: { rootdirectory: dataFolder } },
      http: { addr: `127.0.0.1:${port}` },
      ...(options.auth ? { auth: await authConfig(options.auth, folder) } : {}),
      ...(options.redirectBlobsTo ? { middleware: { storage: [{ name: 'redirect', options: { baseurl: options.redirectBlobsTo } }] } } : {}),
    }),
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
  const home = join(folder, 'home');
  /** `helm push` of a chart folder to oci://<endpoint>/charts. */
  const push = async (chart: string, how: PushOptions = {}) => {
    const cli = how.cli === 'helm4' ? await helm4Bin() : await helmBin();
    const env = { PATH: process.env.PATH, HOME: home };
    if (how.as) await run(cli, ['registry', 'login', endpoint, '--plain-http', '--username', how.as.username, '--password', how.as.password], { env });
    const packaged = join(folder, `${Math.random().toString(36).slice(2)}.tgz`);
    await writeFile(packaged, await packageChart(chart));
    await run(cli, ['push', packaged, `oci://${endpoint}/charts`, '--plain-http'], { env });
  };
  try {
    await mkdir(home);
    // Any answer but a refused connection: a registry that asks for credentials answers /v2/ with 401.
    await waitUntilServing(`http://${endpoint}/v2/`, ended, `the registry (${bin}) on ${endpoint}`);
    for (const chart of charts) await push(chart, options.pushAs ? { as: options.pushAs } : {});
  } catch (error) {
    await close();
    throw error;
  }
  return { endpoint, dataFolder, close, push };
}

export type PrivateRegistry = Awaited<ReturnType<typeof startRegistry>>;

async function authConfig(auth: RegistryAuth, folder: string): Promise<Record<string, unknown>> {
  if ('token' in auth) {
    const { realm, service, issuer, rootCertBundle } = auth.token;
    return { token: { realm, service, issuer, rootcertbundle: rootCertBundle } };
  }
  const { default: bcrypt } = await import('bcrypt');
  const path = join(folder, 'htpasswd');
  // The registry creates a file with a random user of its own when none exists: write it first.
  await writeFile(path, `${auth.htpasswd.username}:${await bcrypt.hash(auth.htpasswd.password, 4)}\n`);
  return { htpasswd: { realm: 'test-registry', path } };
}

const registryStartMs = 10_000;

/** Resolves once `url` answers at all; rejects, naming `what`, when `ended` settles first or after registryStartMs. */
async function waitUntilServing(url: string, ended: Promise<string>, what: string): Promise<void> {
  let exit: string | undefined;
  void ended.then((reason) => (exit = reason));
  const deadline = Date.now() + registryStartMs;
  while (exit === undefined && Date.now() < deadline) {
    const answered = await fetch(url, { signal: AbortSignal.timeout(1000) }).then(
      (response) => response.ok || response.status === 401,
      () => false,
    );
    if (answered) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(exit === undefined ? `${what} did not answer within ${registryStartMs} ms` : `${what} did not start: ${exit}`);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
