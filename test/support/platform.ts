import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { helmBin, mongoUrl, natsUrl, redisUrl } from '@platform/test-support';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export type ServiceName = 'users' | 'releases' | 'gateway';

export interface Platform {
  gatewayUrl: string;
  serviceUrl: Record<ServiceName, string>;
  signingSecret: string;
  /** Keeps this platform's database, Redis keys and NATS stream apart from other suites'. */
  scope: string;
  /** The database the users service writes to. */
  mongoUrl: string;
  /** Everything the three services logged so far (pino JSON lines). */
  logs(): string;
  /** The process id of a running service (the benchmarks read its memory from /proc). */
  pid(name: ServiceName): number | undefined;
  stopService(name: ServiceName, signal?: NodeJS.Signals): Promise<void>;
  startService(name: ServiceName): Promise<void>;
  stop(): Promise<void>;
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitReady(url: string, child: ChildProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url} exited with ${child.exitCode} before it was ready`);
    try {
      const response = await fetch(`${url}/livez`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} was not ready within ${timeoutMs} ms`);
}

/**
 * Starts the three services as real processes from their compiled code, on free ports, against the real
 * servers, isolated from other suites by a scope (own database, Redis key prefix and NATS stream).
 */
export async function startPlatform(
  options: { natsUrl?: string; extraEnv?: Partial<Record<ServiceName, Record<string, string>>> } = {},
): Promise<Platform> {
  const scope = `it${randomBytes(4).toString('hex')}`;
  const signingSecret = randomBytes(32).toString('hex');
  const ports: Record<ServiceName, number> = { users: await freePort(), releases: await freePort(), gateway: await freePort() };
  const serviceUrl = Object.fromEntries(
    Object.entries(ports).map(([name, port]) => [name, `http://127.0.0.1:${port}`]),
  ) as Record<ServiceName, string>;

  const common = {
    PATH: process.env.PATH ?? '',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    NATS_URL: options.natsUrl ?? (await natsUrl()),
    EVENTS_SCOPE: scope,
    INTERNAL_SIGNING_SECRET: signingSecret,
    USERS_URL: serviceUrl.users,
    RELEASES_URL: serviceUrl.releases,
  };
  const usersMongoUrl = await mongoUrl(scope);
  const env: Record<ServiceName, Record<string, string>> = {
    users: {
      ...common,
      MONGO_URL: usersMongoUrl,
      KUBECONFIG_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      BCRYPT_COST: '4',
    },
    releases: {
      ...common,
      HELM_BIN: await helmBin(),
      CLUSTER_ADDRESS_ALLOWLIST: '127.0.0.1/32',
    },
    gateway: {
      ...common,
      REDIS_URL: await redisUrl(),
      REDIS_KEY_PREFIX: `${scope}:`,
      COOKIE_SECURE: 'false',
    },
  };
  for (const name of Object.keys(env) as ServiceName[]) {
    Object.assign(env[name], { PORT: String(ports[name]) }, options.extraEnv?.[name] ?? {});
  }

  let output = '';
  const children = new Map<ServiceName, ChildProcess>();
  const start = async (name: ServiceName) => {
    const child = spawn(process.execPath, [join(repoRoot, 'services', name, 'dist', 'server.js')], {
      env: env[name],
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    children.set(name, child);
    await waitReady(serviceUrl[name], child);
  };
  const stopService = async (name: ServiceName, signal: NodeJS.Signals = 'SIGTERM') => {
    const child = children.get(name);
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  };

  const platform: Platform = {
    gatewayUrl: serviceUrl.gateway,
    serviceUrl,
    signingSecret,
    scope,
    mongoUrl: usersMongoUrl,
    logs: () => output,
    pid: (name) => children.get(name)?.pid,
    stopService,
    startService: start,
    stop: async () => {
      await Promise.all([...children.keys()].map((name) => stopService(name)));
    },
  };
  try {
    await start('users');
    await start('releases');
    await start('gateway');
  } catch (error) {
    await platform.stop();
    throw new Error(`platform did not start: ${(error as Error).message}\n${output.slice(-4000)}`);
  }
  return platform;
}
