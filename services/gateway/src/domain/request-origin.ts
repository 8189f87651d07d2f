/** Methods that change state: a page of another origin must not make a logged-in browser send them. */
const stateChanging = new Set(['POST', 'PUT', 'DELETE', 'PATCH']);

/** What a request says about where it comes from. */
export interface OriginEvidence {
  method: string;
  origin: string | undefined;
  referer: string | undefined;
  /** The host the client addressed (the Host header, or X-Forwarded-Host behind a trusted proxy). */
  host: string;
}

/**
 * Whether the request may go ahead. State-changing requests that a browser sent from a page (with an Origin
 * or, lacking it, a Referer) must come from an allowed origin: one of `allowedOrigins`, or when that is empty
 * the gateway's own host. Requests without either header are not from a page (curl, servers) and pass:
 * the SameSite=Lax cookie keeps browsers' cross-site requests from carrying a session.
 */
export function mayChangeState(request: OriginEvidence, allowedOrigins: readonly string[]): boolean {
  if (!stateChanging.has(request.method)) return true;
  const claimed = request.origin ?? request.referer;
  if (claimed === undefined) return true;
  const url = parseUrl(claimed);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return false;
  if (allowedOrigins.length > 0) return allowedOrigins.includes(url.origin);
  // The Host header carries no scheme: it is read with the page's, so default ports compare equal.
  return parseUrl(`${url.protocol}//${request.host}`)?.host === url.host;
}

function parseUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}
