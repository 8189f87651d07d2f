import { ForbiddenError } from '@platform/service-kit';
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SessionStore } from './session-store.js';

export interface CurrentSession {
  id: string;
  userId: number;
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
    return session ? { id, userId: session.userId } : null;
  }

  /** The request's session; 403 `Forbidden` when not logged in. */
  async require(request: FastifyRequest): Promise<CurrentSession> {
    const session = await this.current(request);
    if (!session) throw new ForbiddenError('not logged in');
    return session;
  }

  /** Logs the user in with a fresh session id; a session the request carried ends (no session fixation). */
  async start(request: FastifyRequest, reply: FastifyReply, userId: number): Promise<void> {
    const previous = request.cookies[this.options.name];
    if (previous) await this.store.delete(previous);
    const id = await this.store.create(userId);
    reply.setCookie(this.options.name, id, this.attributes);
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
