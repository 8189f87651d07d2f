import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readServersEnv, type ServersEnv } from '@platform/test-support';
import { freePort, type PlatformServers } from './platform.js';
import { repoRoot } from './readme-config.js';

export type PrivateServerName = 'redis' | 'nats' | 'ferretdb' | 'kube-apiserver';

const portVariables = [
  'PLATFORM_REDIS_PORT',
  'PLATFORM_NATS_PORT',
  'PLATFORM_NATS_MONITOR_PORT',
  'PLATFORM_MONGO_PORT',
  'PLATFORM_ETCD_PORT',
  'PLATFORM_ETCD_PEER_PORT',
  'PLATFORM_KUBE_PORT',
  'PLATFORM_CHART_REPO_PORT',
  'PLATFORM_REGISTRY_PORT',
] as const;

/**
 * A second set of the real servers (Redis, NATS, FerretDB, etcd + kube-apiserver), started by scripts/servers.sh
 * on free ports with its own run folder, for suites that stop and restart servers: the shared set must stay up
 * for the suites running beside them. Binaries are the shared ones; Redis keeps an append-only file, as a
 * production Redis would, so sessions survive its restart.
 */
export class PrivateServers {
  private constructor(
    private readonly folder: string,
    private readonly scriptEnv: NodeJS.ProcessEnv,
    readonly urls: ServersEnv,
  ) {}

  static async start(): Promise<PrivateServers> {
    const folder = await mkdtemp(join(tmpdir(), 'platform-servers-'));
    const scriptEnv: NodeJS.ProcessEnv = {
      ...process.env,
      PLATFORM_RUN_DIR: join(folder, 'run'),
      PLATFORM_ENV_FILE: join(folder, 'servers.env'),
      PLATFORM_REDIS_PERSIST: 'true',
    };
    for (const variable of portVariables) scriptEnv[variable] = String(await freePort());
    await script(scriptEnv, ['start']);
    return new PrivateServers(folder, scriptEnv, readServersEnv(join(folder, 'servers.env')));
  }

  /** The platform's view of this set (its MongoDB, Redis and NATS). */
  get platformServers(): PlatformServers {
    return {
      mongoUrl: async (database) => {
        const url = new URL(this.urls.MONGO_URL);
        url.pathname = `/${database}`;
        return url.toString();
      },
      redisUrl: async () => this.urls.REDIS_URL,
      natsUrl: async () => this.urls.NATS_URL,
    };
  }

  /** Stops one server (TERM, then KILL after 12 s); it stays down until `resume()`. */
  async stop(name: PrivateServerName): Promise<void> {
    await script(this.scriptEnv, ['stop', name]);
  }

  /** Starts what is down and waits until every server answers; `onLine` sees each line the script prints, as it prints it. */
  async resume(onLine?: (line: string) => void): Promise<void> {
    await script(this.scriptEnv, ['start'], onLine);
  }

  /** The pid scripts/servers.sh recorded for the server it started as `name`. */
  async pidOf(name: PrivateServerName): Promise<number> {
    return Number((await readFile(join(this.folder, 'run', `${name}.pid`), 'utf8')).trim());
  }

  async dispose(): Promise<void> {
    await script(this.scriptEnv, ['stop']).catch(() => undefined);
    await rm(this.folder, { recursive: true, force: true });
  }
}

/** Runs scripts/servers.sh with `args`; fails with everything it printed when it exits otherwise than 0 (or within 180 s). */
function script(env: NodeJS.ProcessEnv, args: string[], onLine?: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(repoRoot, 'scripts', 'servers.sh'), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 });
    let printed = '';
    let partial = '';
    child.stdout.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) onLine?.(line);
    });
    child.stderr.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`scripts/servers.sh ${args.join(' ')} failed (${signal ?? `exit ${code}`}): ${printed}`));
    });
  });
}
