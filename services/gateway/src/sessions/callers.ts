import { ApiTokenFormat, type Credential, type VerifiedApiToken } from '@platform/contracts';
import { AppError } from '@platform/service-kit';
import type { FastifyRequest } from 'fastify';
import { missingScope } from '../domain/token-scopes.js';
import type { CurrentSession, SessionCookies } from './session-cookies.js';

/** Who is calling: a logged-in session, or an API token within its scope. */
export type Caller =
  { via: 'session'; userId: number; credential: Credential; session: CurrentSession } | { via: 'token'; userId: number; credential: Credential };

/** Whether a token is live, and whose; null when it is not. */
export interface ApiTokenVerifier {
  verifyApiToken(token: string, requestId: string): Promise<VerifiedApiToken | null>;
}

/**
 * Finds the caller of a request. `Authorization: Bearer prt_…` is an API token and wins; any other bearer
 * value is not ours and is ignored (the original Porter dashboard sends `Bearer ` and `Bearer <token>`
 * placeholders with its cookie), so the session cookie decides. Tokens are checked by the verifier given
 * (in the app, the users service behind the replicas' shared verdict cache: see CachedTokenVerifier).
 */
export class Callers {
  constructor(
    private readonly sessions: SessionCookies,
    private readonly tokens: ApiTokenVerifier,
  ) {}

  /**
   * The caller, allowed to make this request: 401 for a token that is not live, 403/612 naming the scope a
   * token lacks, 403 `Forbidden` without any credential.
   */
  async authorize(request: FastifyRequest): Promise<Caller> {
    const token = ourBearerToken(request.headers.authorization);
    if (token === null) {
      const session = await this.sessions.require(request);
      return { via: 'session', userId: session.userId, credential: session.credential, session };
    }
    // A malformed token is refused here; only well-formed ones cost a call.
    const verified = ApiTokenFormat.pattern.test(token) ? await this.tokens.verifyApiToken(token, request.id) : null;
    if (!verified) throw AppError.invalidToken();
    const path = request.url.split('?', 1)[0] ?? '';
    const missing = missingScope(verified.scope, { method: request.method, path, query: request.query, body: request.body });
    if (missing !== null) throw AppError.tokenScopeMissing(missing);
    return { via: 'token', userId: verified.userId, credential: { kind: 'token', id: verified.tokenId } };
  }
}

/** The API token in an Authorization header, or null when the header holds none of ours. */
export function ourBearerToken(header: string | undefined): string | null {
  const value = /^Bearer +(\S+) *$/i.exec(header ?? '')?.[1];
  return value?.startsWith(ApiTokenFormat.prefix) ? value : null;
}
