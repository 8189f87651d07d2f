import { ErrorBody, ErrorMessage, InternalRoutes, UserIdReply, VerifiedApiToken, type LoginBody } from '@platform/contracts';
import { AppError, ServiceClient } from '@platform/service-kit';

/** The users service's answer: either the user's id, or an error reply to pass on to the client as is. */
export type UsersReply = { ok: true; userId: number } | { ok: false; status: number; body: ErrorBody };

/** What the gateway asks of the users service. */
export interface UsersApi {
  createUser(body: LoginBody, requestId: string): Promise<UsersReply>;
  verifyCredentials(body: LoginBody, requestId: string): Promise<UsersReply>;
  /** The token's user and scope, or null when it is not a live token; the service's failures are thrown as they are. */
  verifyApiToken(token: string, requestId: string): Promise<VerifiedApiToken | null>;
}

/** Calls the users service's internal routes as `service:gateway`. */
export class UsersClient implements UsersApi {
  private readonly client: ServiceClient;

  constructor(baseUrl: string, secret: string, timeoutMs = 5_000) {
    this.client = new ServiceClient({
      baseUrl,
      secret,
      caller: 'gateway',
      audience: 'users',
      timeoutMs,
      unavailableMessage: ErrorMessage.serviceUnavailable,
    });
  }

  createUser(body: LoginBody, requestId: string): Promise<UsersReply> {
    return this.post(InternalRoutes.createUser, body, requestId);
  }

  verifyCredentials(body: LoginBody, requestId: string): Promise<UsersReply> {
    return this.post(InternalRoutes.verifyCredentials, body, requestId);
  }

  async verifyApiToken(token: string, requestId: string): Promise<VerifiedApiToken | null> {
    const reply = await this.client.post(InternalRoutes.verifyApiToken, { body: { token }, requestId });
    if (reply.status === 401) return null;
    if (reply.status === 200) {
      const verified = VerifiedApiToken.safeParse(reply.body);
      if (verified.success) return verified.data;
    }
    const error = ErrorBody.safeParse(reply.body);
    if (reply.status !== 200 && error.success) throw new AppError(reply.status, error.data.code, error.data.errors);
    throw AppError.internal(new Error(`users service answered ${InternalRoutes.verifyApiToken} with ${reply.status} and an unexpected body`));
  }

  private async post(path: string, body: LoginBody, requestId: string): Promise<UsersReply> {
    const reply = await this.client.post(path, { body, requestId });
    if (reply.status >= 200 && reply.status < 300) {
      const user = UserIdReply.safeParse(reply.body);
      if (!user.success) throw AppError.internal(new Error(`users service answered ${path} with an unexpected body`));
      return { ok: true, userId: user.data.id };
    }
    const error = ErrorBody.safeParse(reply.body);
    if (!error.success) throw AppError.internal(new Error(`users service answered ${path} with ${reply.status} and no error body`));
    return { ok: false, status: reply.status, body: error.data };
  }
}
