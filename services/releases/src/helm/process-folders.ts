import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * This process among others that share a folder (replicas on one machine, a restarted container whose
 * emptyDir outlived it). The pid alone does not tell: a container's process is often pid 1 every time.
 */
const instance = randomBytes(4).toString('hex');

/** `<prefix><pid>-<instance>-`: what this process's folders are named with (mkdtemp adds the rest). */
export function processFolderPrefix(prefix: string): string {
  return `${prefix}${process.pid}-${instance}-`;
}

/**
 * Removes the folders `<parent>/<prefix><pid>-<instance>-…` of processes that were killed before they could
 * remove them: the pid no longer runs, or it is this process's pid with another instance (an earlier life
 * of a container). Folders of processes still running are kept; names of another form are left alone.
 */
export async function removeAbandonedFolders(parent: string, prefix: string): Promise<void> {
  const names = await readdir(parent).catch(() => []);
  const owner = new RegExp(`^${prefix}([0-9]+)-([0-9a-f]{8})-`);
  await Promise.all(
    names.map(async (name) => {
      const [, pid, madeBy] = owner.exec(name) ?? [];
      if (!pid || !madeBy) return;
      const abandoned = Number(pid) === process.pid ? madeBy !== instance : !isRunning(Number(pid));
      if (abandoned) await rm(join(parent, name), { recursive: true, force: true }).catch(() => undefined);
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
