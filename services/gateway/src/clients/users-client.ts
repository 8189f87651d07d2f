import { ErrorBody, ErrorMessage, IdentityHeader, InternalRoutes, UserIdReply, type LoginBody } from '@platform/contracts';
import { AppError, signIdentity } from '@platform/service-kit';
import { request } from 'undici';

/** The users service's answer: either the user's id, or an error reply to pass on to the client as is. */
export type UsersReply = { ok: true; userId: number } | { ok: false; status: number; body: ErrorBody };

/** What the gateway asks of the users service. */
export interface UsersApi {
  createUser(body: LoginBody, requestId: string): Promise<UsersReply>;
  verifyCredentials(body: LoginBody, requestId: string): Promise<UsersReply>;
}

/** Calls the users service's internal routes as `service:gateway`, signed with the shared secret. */
export class UsersClient implements UsersApi {
  constructor(
    private readonly baseUrl: string,
    private readonly secret: string,
    private readonly timeoutMs = 5_000,
  ) {}

  createUser(body: LoginBody, requestId: string): Promise<UsersReply> {
    return this.post(InternalRoutes.createUser, body, requestId);
  }

  verifyCredentials(body: LoginBody, requestId: string): Promise<UsersReply> {
    return this.post(InternalRoutes.verifyCredentials, body, requestId);
  }

  private async post(path: string, body: LoginBody, requestId: string): Promise<UsersReply> {
    const url = new URL(path, this.baseUrl);
    const signedUrl = url.pathname + url.search;
    let response;
    try {
      response = await request(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [IdentityHeader.requestId]: requestId,
          ...signIdentity(this.secret, { kind: 'service', name: 'gateway' }, { method: 'POST', url: signedUrl }),
        },
        body: JSON.stringify(body),
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
    } catch (error) {
      throw AppError.unavailable(ErrorMessage.serviceUnavailable, error);
    }
    const payload: unknown = await response.body.json().catch(() => null);
    if (response.statusCode >= 200 && response.statusCode < 300) {
      const reply = UserIdReply.safeParse(payload);
      if (!reply.success) throw AppError.internal(new Error(`users service answered ${path} with an unexpected body`));
      return { ok: true, userId: reply.data.id };
    }
    const error = ErrorBody.safeParse(payload);
    if (!error.success) {
      throw AppError.internal(new Error(`users service answered ${path} with ${response.statusCode} and no error body`));
    }
    return { ok: false, status: response.statusCode, body: error.data };
  }
}
