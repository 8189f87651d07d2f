import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '@platform/service-kit';
import { ErrorCode, ErrorMessage } from '@platform/contracts';
import { scrubClusterMessage } from '../cluster-messages.js';
import type { PhaseTimings } from '../phase-timings.js';
import type { HelmSlots } from './helm-slots.js';
import type { KubeCacheFolders } from './kube-cache-folders.js';
import { processFolderPrefix, removeAbandonedFolders } from './process-folders.js';

/** `<workRoot>/releases-helm-<pid>-<instance>-<random>`: one folder per run (see process-folders.ts). */
const runFolderPrefix = 'releases-helm-';

export interface HelmInvocation {
  /** The user the run is for: each user has a bound of concurrent runs (HelmSlots). */
  user: number;
  args: string[];
  /** A kubeconfig with only the context helm may use; written 0600 into the private folder. */
  kubeconfig?: { text: string; context: string };
  /** `secret` or `configmap`: Helm's HELM_DRIVER. */
  driver?: string;
  /** Writes what the command needs (a chart, values) into the private folder first. */
  prepare?: (folder: string) => Promise<void>;
  /** Where the request's time goes: `helm-prepare` (the folder and what is written into it) and `helm` (the process). */
  timings?: PhaseTimings;
}

/** How one run of the helm binary went; `operation` is helm's command (`upgrade`, `rollback`, `template`). */
export type HelmRunObserver = (run: { operation: string; outcome: 'success' | 'failure' | 'timeout'; seconds: number }) => void;

export interface HelmCliOptions {
  bin: string;
  timeoutMs: number;
  /** Bounds on concurrent runs; none in tests that build a HelmCli of their own. */
  slots?: HelmSlots;
  observe?: HelmRunObserver;
  kubeCaches?: KubeCacheFolders;
  /** Where run folders are made: a tmpfs where there is one (see defaultHelmWorkDir); the temp folder by default. */
  workRoot?: string;
}

/**
 * Runs the helm binary in a private, throw-away folder (0700) with a minimal environment: no inherited
 * KUBECONFIG, HOME or plugins, so helm sees only the one context we hand it. Only the discovery cache
 * outlives a run (see KubeCacheFolders). Killed at the timeout. At most as many at once as `slots` allow.
 * The folder is removed once the run's answer is on its way; `settled()` waits for removals still running.
 */
export class HelmCli {
  private readonly removals = new Set<Promise<void>>();
  private abandonedRemoved: Promise<void> | undefined;
  private readonly bin: string;
  private readonly timeoutMs: number;
  private readonly observe: HelmRunObserver;

  constructor(private readonly options: HelmCliOptions) {
    this.bin = options.bin;
    this.timeoutMs = options.timeoutMs;
    this.observe = options.observe ?? (() => {});
  }

  /**
   * helm's stdout; throws the AppError that helm's message maps to (see helmFailure), with paths, addresses and
   * tokens removed from the message; 429 or 503 at once when no slot is free.
   */
  async run(invocation: HelmInvocation): Promise<string> {
    const started = performance.now();
    const release = this.options.slots?.acquire(invocation.user);
    const workRoot = this.options.workRoot ?? tmpdir();
    // A run folder holds a kubeconfig with the user's credentials: those of a killed process go at the first run.
    this.abandonedRemoved ??= this.track(removeAbandonedFolders(workRoot, runFolderPrefix));
    const folder = await mkdtemp(join(workRoot, processFolderPrefix(runFolderPrefix))).catch((error: unknown) => {
      release?.();
      throw error;
    });
    try {
      const args = [...invocation.args];
      let kubeCacheDir: string | undefined;
      if (invocation.kubeconfig) {
        const file = join(folder, 'kubeconfig');
        await writeFile(file, invocation.kubeconfig.text, { mode: 0o600 });
        args.push('--kubeconfig', file, '--kube-context', invocation.kubeconfig.context);
        kubeCacheDir = await this.options.kubeCaches?.folderFor(invocation.kubeconfig.text);
      }
      await invocation.prepare?.(folder);
      invocation.timings?.add('helm-prepare', performance.now() - started);
      const exec = () => this.exec(args, folder, invocation.driver, kubeCacheDir);
      return await (invocation.timings ? invocation.timings.time('helm', exec) : exec());
    } finally {
      release?.();
      void this.track(rm(folder, { recursive: true, force: true }));
    }
  }

  /** A removal that settled() waits for; its failure is ignored (the folder stays for the next process to remove). */
  private track(removal: Promise<void>): Promise<void> {
    const tracked = removal.catch(() => undefined);
    this.removals.add(tracked);
    void tracked.then(() => this.removals.delete(tracked));
    return tracked;
  }

  /** Resolves once every finished run's folder is removed (on shutdown). */
  async settled(): Promise<void> {
    await Promise.all([...this.removals]);
  }

  private exec(args: string[], folder: string, driver?: string, kubeCacheDir?: string): Promise<string> {
    const env: NodeJS.ProcessEnv = {
      PATH: '/usr/local/bin:/usr/bin:/bin',
      HOME: folder,
      HELM_CACHE_HOME: join(folder, 'cache'),
      HELM_CONFIG_HOME: join(folder, 'config'),
      HELM_DATA_HOME: join(folder, 'data'),
      ...(driver ? { HELM_DRIVER: driver } : {}),
      ...(kubeCacheDir ? { KUBECACHEDIR: kubeCacheDir } : {}),
    };
    const started = process.hrtime.bigint();
    const finished = (outcome: 'success' | 'failure' | 'timeout') =>
      this.observe({ operation: args[0] ?? 'unknown', outcome, seconds: Number(process.hrtime.bigint() - started) / 1e9 });
    return new Promise((resolve, reject) => {
      execFile(this.bin, args, { cwd: folder, env, timeout: this.timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
        finished(!error ? 'success' : error.killed ? 'timeout' : 'failure');
        if (!error) return resolve(stdout);
        if (error.killed) {
          return reject(new AppError(500, ErrorCode.ClusterOperationFailed, [`helm did not finish within ${this.timeoutMs} ms`], { cause: error }));
        }
        // The private folder's paths say nothing to the user: chart-relative names remain.
        const message = scrubClusterMessage((stderr.trim() || error.message).replace(/^Error: /, '').replaceAll(`${folder}/`, ''));
        reject(helmFailure(message, new Error(stderr, { cause: error })));
      });
    });
  }
}

/** Helm's failure messages, mapped to the contract's codes. */
export function helmFailure(message: string, cause?: unknown): AppError {
  // A revision record created first by another writer; not an object of the chart that exists (install).
  if (/another operation \(install\/upgrade\/rollback\) is in progress|sh\.helm\.release\.v1\.\S+ already exists/.test(message)) {
    return new AppError(409, ErrorCode.OperationInProgress, [ErrorMessage.operationInProgress], { cause: new Error(message, { cause }) });
  }
  if (/Kubernetes cluster unreachable/.test(message)) return new AppError(502, ErrorCode.ClusterUnreachable, [message], { cause });
  if (/values don't meet the specifications of the schema|failed to parse .*values|error converting YAML to JSON/.test(message)) {
    return new AppError(422, ErrorCode.InvalidValues, [message], { cause });
  }
  if (/ is forbidden: /.test(message)) return new AppError(403, ErrorCode.ClusterForbidden, [message], { cause });
  return new AppError(500, ErrorCode.ClusterOperationFailed, [message], { cause });
}

/** /dev/shm when this process may write there (a tmpfs on Linux: nothing of a run needs a disk), else the temp folder. */
export function defaultHelmWorkDir(): string {
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}
