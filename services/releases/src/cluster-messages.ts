/** Longest message from helm or a cluster passed on to a client. */
const maxMessageLength = 500;

type Replacement = string | ((match: string) => string);

/** Colon-separated hex is an IPv6 address when it has `::` or six groups or more (not `12:30:45`). */
const ipv6OrKeep = (match: string) => (match.includes('::') || match.split(':').length >= 6 ? '<address>' : match);

/**
 * What helm and clusters say goes to the user only without what it may reveal of the platform or of
 * credentials: paths on this server, network addresses (the platform's own network included) and tokens.
 * Order matters: URLs before paths, addresses with ports before bare ones.
 */
const scrubbers: ReadonlyArray<readonly [RegExp, Replacement]> = [
  [/\bBearer\s+\S+/gi, 'Bearer <redacted>'],
  [/\beyJ[\w-]+\.[\w-]+\.[\w-]*/g, '<redacted>'],
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi, '<url>'],
  [/\b(lookup|dial (?:tcp|udp)[46]?)\s+[^\s:]+(?::\d+)?/gi, '$1 <address>'],
  [/\[[0-9a-f:.]*:[0-9a-f:.]*\](?::\d+)?/gi, '<address>'],
  [/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g, '<address>'],
  [/(?<![\w:])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?![\w:])/gi, ipv6OrKeep],
  // host:port, but not a file's line and column (`templates/cm.yaml:3:12`).
  [/(?<![\w/.-])(?:localhost|(?:[a-z0-9-]+\.)+[a-z]{2,}):\d+\b(?!:\d)/gi, '<address>'],
  [/(?<![\w.~-])(?:\/[\w.@+~-]+)+\/?/g, '<path>'],
  [/\b[A-Za-z0-9+/_-]{40,}={0,2}/g, '<redacted>'],
];

/** `message` without paths, addresses and tokens, and at most a few hundred characters. */
export function scrubClusterMessage(message: string): string {
  let scrubbed = message;
  for (const [pattern, replacement] of scrubbers) {
    scrubbed = typeof replacement === 'string' ? scrubbed.replace(pattern, replacement) : scrubbed.replace(pattern, replacement);
  }
  return scrubbed.length > maxMessageLength ? `${scrubbed.slice(0, maxMessageLength)}…` : scrubbed;
}
