import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { localServersEnv, type ServerName } from './servers-env.js';

export * from './servers-env.js';

/**
 * Tests talk to real servers. Their addresses come from the environment, else from the `.servers.env`
 * that `npm run servers` writes, else a container is started with testcontainers (on a machine with Docker);
 * testcontainers' reaper removes those containers when the test process ends.
 */
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

function configured(name: ServerName): string | undefined {
  return process.env[name] || localServersEnv()?.[name];
}

const started = new Map<ServerName, Promise<string>>();

function once(name: ServerName, start: () => Promise<string>): Promise<string> {
  const known = configured(name);
  if (known) return Promise.resolve(known);
  let pending = started.get(name);
  if (!pending) {
    pending = start();
    started.set(name, pending);
  }
  return pending;
}

/** A MongoDB URL whose database is `database` (each suite uses its own). */
export async function mongoUrl(database: string): Promise<string> {
  const base = await once('MONGO_URL', async () => {
    const { MongoDBContainer } = await import('@testcontainers/mongodb');
    const container = await new MongoDBContainer('mongo:7.0').start();
    return `${container.getConnectionString()}/platform?directConnection=true`;
  });
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

export function redisUrl(): Promise<string> {
  return once('REDIS_URL', async () => {
    const { RedisContainer } = await import('@testcontainers/redis');
    const container = await new RedisContainer('redis:7.2').start();
    return container.getConnectionUrl();
  });
}

export function natsUrl(): Promise<string> {
  return once('NATS_URL', async () => {
    const { GenericContainer, Wait } = await import('testcontainers');
    const container = await new GenericContainer('nats:2.10')
      .withCommand(['-js'])
      .withExposedPorts(4222)
      .withWaitStrategy(Wait.forLogMessage(/Server is ready/))
      .start();
    return `nats://${container.getHost()}:${container.getMappedPort(4222)}`;
  });
}

/** A kubeconfig file with an admin current-context (and, locally, a namespace-limited `limited` context). */
export function kubeconfigPath(): Promise<string> {
  return once('KUBECONFIG', async () => {
    const { K3sContainer } = await import('@testcontainers/k3s');
    const container = await new K3sContainer('rancher/k3s:v1.32.1-k3s1').start();
    const folder = await mkdtemp(join(tmpdir(), 'k3s-'));
    const file = join(folder, 'kubeconfig');
    await writeFile(file, container.getKubeConfig(), { mode: 0o600 });
    return file;
  });
}

/** The helm binary: from the environment or .servers.env, else `helm` on the PATH. */
export async function helmBin(): Promise<string> {
  return existingBinary('HELM_BIN') ?? 'helm';
}

/**
 * The Helm 4 binary: from the environment or .servers.env, else the one scripts/build-binaries.sh built into
 * the cache (servers started before it existed do not name it).
 */
export async function helm4Bin(): Promise<string> {
  return existingBinary('HELM4_BIN') ?? builtBinary('helm4');
}

/** A configured binary's path; a path that is not there fails here, naming it, rather than as `spawn ENOENT` later. */
function existingBinary(name: 'HELM_BIN' | 'HELM4_BIN'): string | undefined {
  const path = configured(name);
  if (path !== undefined && !existsSync(path)) throw new Error(`no binary at ${name}=${path} (scripts/build-binaries.sh builds it)`);
  return path;
}

/**
 * The shared chart repository's URL (`CHART_REPO_URL`) or OCI registry's `host:port` (`OCI_REGISTRY`) that
 * scripts/servers.sh serves, once it answered within 2 s: a suite that needs one fails at once, naming it,
 * instead of waiting out every step on a server that is not there.
 */
export async function chartServer(name: 'CHART_REPO_URL' | 'OCI_REGISTRY'): Promise<string> {
  const value = configured(name);
  if (!value) throw new Error(`no ${name}: start the servers with npm run servers (scripts/servers.sh), or set ${name}`);
  const probe = name === 'CHART_REPO_URL' ? `${value.replace(/\/$/, '')}/index.yaml` : `http://${value}/v2/`;
  const answered = await fetch(probe, { signal: AbortSignal.timeout(2000) }).then(
    (response) => response.ok,
    () => false,
  );
  if (!answered) throw new Error(`${name}=${value} does not answer at ${probe}: start the servers with npm run servers (scripts/servers.sh)`);
  return value;
}

/** The CNCF distribution registry binary scripts/build-binaries.sh builds (tests start registries of their own). */
export async function registryBin(): Promise<string> {
  return builtBinary('registry');
}

function builtBinary(name: string): string {
  const built = join(resolve(process.env.PLATFORM_CACHE_DIR ?? join(repoRoot, '.cache')), 'bin', name);
  if (existsSync(built)) return built;
  throw new Error(`no ${name} binary: run scripts/build-binaries.sh ${name} (looked for ${built})`);
}
export { planChartDefaults, writePlanChart } from './plan-chart.js';
export {
  packageChart,
  startRegistry,
  type PrivateRegistry,
  type PushOptions,
  type RegistryAuth,
  type RegistryOptions,
  type RegistryUser,
} from './oci-registry.js';
export { startTokenServer, type TokenGrant, type TokenRequest, type TokenServer } from './registry-token-server.js';
export { startRecordingProxy, type ProxiedRequest, type RecordingProxy } from './recording-proxy.js';
