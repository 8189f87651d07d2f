import { AuditEvent } from '@platform/contracts';
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditOutbox, PendingAuditEvent } from './audit-outbox.js';

const suffix = '.json';

/**
 * An audit outbox in a folder, for services without a database of their own: one file per event, written
 * to a temporary name, flushed to disk (fsync), then renamed and the folder flushed, so an event is either
 * whole on disk or absent, and once `add` has resolved it survives a crash of the process or the machine.
 * Files are named by time, so the oldest leave first. Events survive as long as the folder does: on a pod,
 * give it a volume that outlives the pod for the same guarantee across rescheduling.
 */
export class FileAuditSpool implements AuditOutbox {
  private constructor(private readonly folder: string) {}

  static async open(folder: string): Promise<FileAuditSpool> {
    await mkdir(folder, { recursive: true, mode: 0o700 });
    return new FileAuditSpool(folder);
  }

  async add(event: AuditEvent): Promise<void> {
    const name = fileName(event);
    const temporary = join(this.folder, `${name}.tmp`);
    const file = await open(temporary, 'w', 0o600);
    try {
      await file.writeFile(JSON.stringify(event));
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, join(this.folder, name));
    await syncFolder(this.folder);
  }

  async pending(limit: number): Promise<PendingAuditEvent[]> {
    const names = (await readdir(this.folder))
      .filter((name) => name.endsWith(suffix))
      .sort()
      .slice(0, limit);
    const pending: PendingAuditEvent[] = [];
    for (const name of names) {
      const path = join(this.folder, name);
      const text = await readFile(path, 'utf8').catch(() => null);
      // Taken by another relay of this folder meanwhile.
      if (text === null) continue;
      const parsed = AuditEvent.safeParse(safeJson(text));
      if (!parsed.success) {
        // Never publishable and never to be silently lost: set aside for a person to read.
        await rename(path, `${path}.refused`).catch(() => undefined);
        continue;
      }
      pending.push({ event: parsed.data, remove: () => unlink(path).catch(ignoreMissing) });
    }
    return pending;
  }
}

/** `<milliseconds, 15 digits>-<id>.json`: sorted by name is sorted by time. */
function fileName(event: AuditEvent): string {
  return `${String(Date.parse(event.time)).padStart(15, '0')}-${event.id}${suffix}`;
}

async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function ignoreMissing(error: unknown): void {
  if ((error as { code?: unknown }).code !== 'ENOENT') throw error;
}
