import { ErrorBody, ErrorMessage, InternalRoutes, UserKubeconfig, UserKubeconfigVersion } from '@platform/contracts';
import { AppError, ServiceClient } from '@platform/service-kit';

/** Where the releases service learns a user's kubeconfig and allowed contexts (the users service owns them). */
export interface UserKubeconfigSource {
  /** The cheap read-your-writes check, asked on every request. */
  version(userId: number): Promise<UserKubeconfigVersion>;
  kubeconfig(userId: number): Promise<UserKubeconfig>;
  /** Whether the source can answer now (readiness reports it). */
  reachable?(): Promise<boolean>;
}

export interface HttpUserKubeconfigSourceOptions {
  usersUrl: string;
  signingSecret: string;
  timeoutMs: number;
}

/** The users service's internal routes, called as `service:releases` (the only identity they accept). */
export class HttpUserKubeconfigSource implements UserKubeconfigSource {
  private readonly users: ServiceClient;

  constructor(options: HttpUserKubeconfigSourceOptions) {
    this.users = new ServiceClient({
      baseUrl: options.usersUrl,
      secret: options.signingSecret,
      caller: 'releases',
      audience: 'users',
      timeoutMs: options.timeoutMs,
      unavailableMessage: ErrorMessage.usersServiceUnavailable,
    });
  }

  async version(userId: number): Promise<UserKubeconfigVersion> {
    return UserKubeconfigVersion.parse(await this.get(InternalRoutes.userKubeconfigVersion(userId), userId));
  }

  async kubeconfig(userId: number): Promise<UserKubeconfig> {
    return UserKubeconfig.parse(await this.get(InternalRoutes.userKubeconfig(userId), userId));
  }

  /** The users service is ready (its database too). */
  reachable(): Promise<boolean> {
    return this.users.ready();
  }

  private async get(path: string, userId: number): Promise<unknown> {
    const { status, body } = await this.users.get(path);
    // A user without a stored kubeconfig (or deleted meanwhile) has nothing to reach: no context is allowed.
    if (status === 404) return { userId, kubeconfigVersion: 0, rawKubeConfig: '', allowedContexts: [] };
    // A users service that is up but cannot serve names the cause (503 "database unavailable"): pass it on.
    const unavailable = status === 503 ? ErrorBody.safeParse(body) : undefined;
    if (unavailable?.success) throw new AppError(503, unavailable.data.code, unavailable.data.errors);
    if (status !== 200) throw AppError.unavailable(ErrorMessage.usersServiceUnavailable, new Error(`HTTP ${status}`));
    return body;
  }
}
