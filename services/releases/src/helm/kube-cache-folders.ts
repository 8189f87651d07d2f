import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LRUCache } from 'lru-cache';
import { processFolderPrefix, removeAbandonedFolders } from './process-folders.js';

/** `<tmpdir>/releases-kube-cache-<pid>-<instance>-<random>` (see process-folders.ts). */
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
  await removeAbandonedFolders(tmpdir(), rootPrefix);
  // mkdtemp makes it 0700: only this service's user can read or plant discovery documents in it.
  return mkdtemp(join(tmpdir(), processFolderPrefix(rootPrefix)));
}
