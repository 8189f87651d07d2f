import { ErrorBody, ErrorMessage } from '@platform/contracts';
import { AppError, ServiceClient, type ServiceReply } from '@platform/service-kit';

export interface UsersServiceOptions {
  usersUrl: string;
  signingSecret: string;
  timeoutMs: number;
}

/** The users service's internal routes, called as `service:releases` (the only identity they accept). */
export function usersServiceClient(options: UsersServiceOptions): ServiceClient {
  return new ServiceClient({
    baseUrl: options.usersUrl,
    secret: options.signingSecret,
    caller: 'releases',
    audience: 'users',
    timeoutMs: options.timeoutMs,
    unavailableMessage: ErrorMessage.usersServiceUnavailable,
  });
}

/**
 * The body of a 200. A users service that is up but cannot serve names the cause (503 "database
 * unavailable"): passed on as it is; any other answer is 503 "users service unavailable".
 */
export function okBody({ status, body }: ServiceReply): unknown {
  const unavailable = status === 503 ? ErrorBody.safeParse(body) : undefined;
  if (unavailable?.success) throw new AppError(503, unavailable.data.code, unavailable.data.errors);
  if (status !== 200) throw AppError.unavailable(ErrorMessage.usersServiceUnavailable, new Error(`HTTP ${status}`));
  return body;
}
