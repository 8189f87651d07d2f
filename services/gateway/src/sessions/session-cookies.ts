import { createHash } from 'node:crypto';
import type { Credential } from '@platform/contracts';
import { ForbiddenError } from '@platform/service-kit';
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SessionStore } from './session-store.js';

export interface CurrentSession {
  /** The session id: the cookie's value, a secret. */
  id: string;
  userId: number;
  /** How services and audit records name this session without learning its id. */
  credential: Credential;
}

export interface SessionCookieOptions {
  name: string;
  secure: boolean;
}

/**
 * Connects the session cookie to the session store. The cookie only carries the random id; it has no
 * Max-Age, because the server decides when a session ends (sliding expiry, logout, deleted user).
 */
export class SessionCookies {
  private readonly attributes: CookieSerializeOptions;

  constructor(
    private readonly store: SessionStore,
    private readonly options: SessionCookieOptions,
  ) {
    this.attributes = { httpOnly: true, sameSite: 'lax', path: '/', secure: options.secure };
  }

  /** The request's session, or null when its cookie names none (missing, expired, ended or invented). */
  async current(request: FastifyRequest): Promise<CurrentSession | null> {
    const id = request.cookies[this.options.name];
    if (!id) return null;
    const session = await this.store.find(id);
    return session ? { id, userId: session.userId, credential: sessionCredential(id) } : null;
  }

  /** The request's session; 403 `Forbidden` when not logged in. */
  async require(request: FastifyRequest): Promise<CurrentSession> {
    const session = await this.current(request);
    if (!session) throw new ForbiddenError('not logged in');
    return session;
  }

  /** Logs the user in with a fresh session id; a session the request carried ends (no session fixation). */
  async start(request: FastifyRequest, reply: FastifyReply, userId: number): Promise<Credential> {
    const previous = request.cookies[this.options.name];
    if (previous) await this.store.delete(previous);
    const id = await this.store.create(userId);
    reply.setCookie(this.options.name, id, this.attributes);
    return sessionCredential(id);
  }

  async end(session: CurrentSession, reply: FastifyReply): Promise<void> {
    await this.store.delete(session.id);
    this.clear(reply);
  }

  /** Tells the browser to forget the cookie (the server-side session is already gone). */
  clear(reply: FastifyReply): void {
    reply.clearCookie(this.options.name, this.attributes);
  }
}

/**
 * 16 hex digits of the id's SHA-256: enough to tell a user's sessions apart in logs and audit records, and
 * one-way, so whoever reads them cannot present the session.
 */
export function sessionCredential(sessionId: string): Credential {
  return { kind: 'session', id: createHash('sha256').update(sessionId).digest('hex').slice(0, 16) };
}
