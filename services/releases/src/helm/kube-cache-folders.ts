import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LRUCache } from 'lru-cache';

/** `<tmpdir>/releases-kube-cache-<pid>-<random>`: the pid tells whether the process that made it still runs. */
const rootPrefix = 'releases-kube-cache-';

export interface KubeCacheFoldersOptions {
  /** Folders kept at most; each holds a cluster's discovery documents, megabytes with many CRDs. */
  max: number;
  idleSeconds: number;
}

/**
 * Folders where the helm binary keeps client-go's discovery and HTTP caches (KUBECACHEDIR) from one run to
 * the next. Without one, every upgrade or rollback first reads the cluster's whole API discovery again.
 * One folder per kubeconfig, that is per cluster and credentials: nothing helm learnt through one user's
 * credentials serves another. The least recently used and the idle ones are removed, all of them on close;
 * a process killed before it could close leaves its folders to the next one to clean up.
 */
export class KubeCacheFolders {
  private root: Promise<string> | undefined;
  private readonly folders: LRUCache<string, string>;

  constructor(options: KubeCacheFoldersOptions) {
    this.folders = new LRUCache<string, string>({
      max: options.max,
      ttl: options.idleSeconds * 1000,
      updateAgeOnGet: true,
      ttlAutopurge: true,
      dispose: (folder) => void rm(folder, { recursive: true, force: true }),
    });
  }

  /** The cache folder for helm runs with this kubeconfig; helm creates it when it first writes. */
  async folderFor(kubeconfig: string): Promise<string> {
    const key = createHash('sha256').update(kubeconfig).digest('hex');
    const known = this.folders.get(key);
    if (known) return known;
    this.root ??= makeRoot();
    const folder = join(await this.root, key);
    this.folders.set(key, folder);
    return folder;
  }

  async close(): Promise<void> {
    this.folders.clear();
    if (this.root) await rm(await this.root, { recursive: true, force: true });
  }
}

async function makeRoot(): Promise<string> {
  await removeAbandonedRoots();
  // mkdtemp makes it 0700: only this service's user can read or plant discovery documents in it.
  return mkdtemp(join(tmpdir(), `${rootPrefix}${process.pid}-`));
}

/** Roots of releases processes that were killed before they could remove theirs (close() never ran). */
async function removeAbandonedRoots(): Promise<void> {
  const names = await readdir(tmpdir()).catch(() => []);
  const rootName = new RegExp(`^${rootPrefix}([0-9]+)-`);
  await Promise.all(
    names.map(async (name) => {
      const pid = Number(rootName.exec(name)?.[1] ?? 0);
      if (pid === 0 || pid === process.pid || isRunning(pid)) return;
      await rm(join(tmpdir(), name), { recursive: true, force: true }).catch(() => undefined);
    }),
  );
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
