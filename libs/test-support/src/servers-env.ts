import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The servers scripts/servers.sh starts, by the variable that holds each one's address (or path). */
export const serverNames = ['MONGO_URL', 'REDIS_URL', 'NATS_URL', 'KUBECONFIG', 'HELM_BIN'] as const;
/** Named when known; servers started before they existed do not name them. */
export const optionalServerNames = ['HELM4_BIN', 'CHART_REPO_URL', 'OCI_REGISTRY'] as const;
export type ServerName = (typeof serverNames)[number] | (typeof optionalServerNames)[number];
export type ServersEnv = Record<(typeof serverNames)[number], string> & Partial<Record<(typeof optionalServerNames)[number], string>>;

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Where `npm run servers` writes the addresses of the shared local servers. */
export const localServersEnvFile = join(repoRoot, '.servers.env');

/**
 * Parses the file scripts/servers.sh writes: one `NAME=value` line per server (blank lines and `#` comments
 * allowed, other names ignored; the optional names may be missing). Throws, naming `source`, on any other line and when a server is missing.
 */
export function parseServersEnv(text: string, source: string): ServersEnv {
  const found = new Map<string, string>();
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!match) throw new Error(`${source}:${index + 1}: expected NAME=value`);
    found.set(match[1]!, match[2]!);
  }
  const missing = serverNames.filter((name) => !found.get(name));
  if (missing.length > 0) throw new Error(`${source}: no ${missing.join(', ')}`);
  const named = [...serverNames, ...optionalServerNames].filter((name) => found.get(name));
  return Object.fromEntries(named.map((name) => [name, found.get(name)!])) as ServersEnv;
}

export function readServersEnv(file: string): ServersEnv {
  return parseServersEnv(readFileSync(file, 'utf8'), file);
}

/** The shared local servers' addresses, or null when `npm run servers` has not written them. */
export function localServersEnv(): ServersEnv | null {
  return existsSync(localServersEnvFile) ? readServersEnv(localServersEnvFile) : null;
}
