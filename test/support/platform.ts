import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { helmBin, mongoUrl, natsUrl, redisUrl } from '@platform/test-support';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export type ServiceName = 'users' | 'releases' | 'gateway';

/** One running (or stopped) service process; a platform has one per service, plus any replicas added. */
export interface ServiceInstance {
  name: ServiceName;
  url: string;
  /** What this process logged so far (pino JSON lines). */
  logs(): string;
  pid(): number | undefined;
  /** Sends `signal` (SIGTERM by default) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** SIGKILL of the process and everything it started (a pod's death): needs `processGroups`. */
  kill(): Promise<void>;
  /** Starts it again on the same port with the same environment; resolves when /livez answers. */
  start(): Promise<void>;
}

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
  /** The first instance of each service. */
  service(name: ServiceName): ServiceInstance;
  /**
   * Starts one more instance of a service with the platform's configuration (same database, Redis prefix,
   * NATS scope and secrets), on its own port; `env` overrides, e.g. USERS_URL to pair it with another replica.
   */
  addReplica(name: ServiceName, env?: Record<string, string>): Promise<ServiceInstance>;
  stop(): Promise<void>;
}

/** Where the services find Redis, NATS and MongoDB: the shared servers unless a suite brings its own. */
export interface PlatformServers {
  mongoUrl(database: string): Promise<string>;
  redisUrl(): Promise<string>;
  natsUrl(): Promise<string>;
}

export interface PlatformOptions {
  natsUrl?: string;
  servers?: PlatformServers;
  extraEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  /**
   * Each service leads its own process group, so `kill()` also ends the helm runs it started, as a pod's
   * death would. Off by default: a group outlives the test runner if that is killed.
   */
  processGroups?: boolean;
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
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${url} exited with ${child.exitCode ?? child.signalCode} before it was ready`);
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

class ServiceProcess implements ServiceInstance {
  private child: ChildProcess | null = null;
  private output = '';

  constructor(
    readonly name: ServiceName,
    readonly url: string,
    private readonly env: Record<string, string>,
    private readonly processGroup: boolean,
    private readonly onOutput: (text: string) => void,
  ) {}

  logs(): string {
    return this.output;
  }

  pid(): number | undefined {
    return this.running() ? this.child!.pid : undefined;
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, [join(repoRoot, 'services', this.name, 'dist', 'server.js')], {
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: this.processGroup,
    });
    const collect = (chunk: Buffer) => {
      this.output += chunk.toString();
      this.onOutput(chunk.toString());
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.child = child;
    await waitReady(this.url, child);
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || !this.running()) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!this.processGroup) throw new Error('kill() needs startPlatform({ processGroups: true })');
    if (!child || !this.running()) return;
    const exited = new Promise((r) => child.once('exit', r));
    process.kill(-child.pid!, 'SIGKILL');
    await exited;
  }

  private running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }
}

const sharedServers: PlatformServers = { mongoUrl, redisUrl, natsUrl };

/**
 * Starts the three services as real processes from their compiled code, on free ports, against the real
 * servers, isolated from other suites by a scope (own database, Redis key prefix and NATS stream).
 */
export async function startPlatform(options: PlatformOptions = {}): Promise<Platform> {
  const servers = options.servers ?? sharedServers;
  const scope = `it${randomBytes(4).toString('hex')}`;
  const signingSecret = randomBytes(32).toString('hex');
  const ports: Record<ServiceName, number> = { users: await freePort(), releases: await freePort(), gateway: await freePort() };
  const serviceUrl = Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, `http://127.0.0.1:${port}`])) as Record<ServiceName, string>;

  const common = {
    PATH: process.env.PATH ?? '',
    // Host names resolve only as IP literals or localhost: test traffic, DNS included, stays on this machine.
    NODE_OPTIONS: `--import=${pathToFileURL(join(repoRoot, 'test', 'support', 'loopback-resolver.mjs')).href}`,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    NATS_URL: options.natsUrl ?? (await servers.natsUrl()),
    EVENTS_SCOPE: scope,
    INTERNAL_SIGNING_SECRET: signingSecret,
    USERS_URL: serviceUrl.users,
    RELEASES_URL: serviceUrl.releases,
  };
  const usersMongoUrl = await servers.mongoUrl(scope);
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
      REDIS_URL: await servers.redisUrl(),
      REDIS_KEY_PREFIX: `${scope}:`,
      COOKIE_SECURE: 'false',
      // Every suite's clients share 127.0.0.1; suites about the budget set their own.
      PASSWORD_WORK_MAX_PER_ADDRESS: '100000',
    },
  };
  for (const name of Object.keys(env) as ServiceName[]) Object.assign(env[name], options.extraEnv?.[name] ?? {});

  let output = '';
  const instances: ServiceProcess[] = [];
  const instance = (name: ServiceName, port: number, overrides: Record<string, string> = {}) => {
    const created = new ServiceProcess(
      name,
      `http://127.0.0.1:${port}`,
      { ...env[name], ...overrides, PORT: String(port) },
      options.processGroups ?? false,
      (text) => (output += text),
    );
    instances.push(created);
    return created;
  };
  const primary: Record<ServiceName, ServiceProcess> = {
    users: instance('users', ports.users),
    releases: instance('releases', ports.releases),
    gateway: instance('gateway', ports.gateway),
  };

  const platform: Platform = {
    gatewayUrl: serviceUrl.gateway,
    serviceUrl,
    signingSecret,
    scope,
    mongoUrl: usersMongoUrl,
    logs: () => output,
    pid: (name) => primary[name].pid(),
    stopService: (name, signal) => primary[name].stop(signal),
    startService: (name) => primary[name].start(),
    service: (name) => primary[name],
    addReplica: async (name, overrides) => {
      const replica = instance(name, await freePort(), overrides);
      await replica.start();
      return replica;
    },
    stop: async () => {
      await Promise.all(instances.map((each) => each.stop()));
    },
  };
  try {
    await primary.users.start();
    await primary.releases.start();
    await primary.gateway.start();
  } catch (error) {
    await platform.stop();
    throw new Error(`platform did not start: ${(error as Error).message}\n${output.slice(-4000)}`);
  }
  return platform;
}
