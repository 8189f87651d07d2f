/** The phases of a `Server-Timing` header (`name;dur=ms, …`), in ms by name. */
export function parseServerTiming(header: string | null): Record<string, number> {
  const phases: Record<string, number> = {};
  for (const part of (header ?? '').split(',')) {
    const match = /^\s*([a-z][a-z-]*);dur=([0-9.]+)/.exec(part);
    if (match) phases[match[1]!] = Number(match[2]);
  }
  return phases;
}
