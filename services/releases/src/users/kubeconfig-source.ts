import { ErrorBody, ErrorMessage, InternalRoutes, UserKubeconfig, UserKubeconfigVersion } from '@platform/contracts';
import { AppError, HealthPaths, signIdentity } from '@platform/service-kit';
import { request } from 'undici';

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

/** The users service's internal routes, called with the signed `service:releases` identity. */
export class HttpUserKubeconfigSource implements UserKubeconfigSource {
  constructor(private readonly options: HttpUserKubeconfigSourceOptions) {}

  async version(userId: number): Promise<UserKubeconfigVersion> {
    return UserKubeconfigVersion.parse(await this.get(InternalRoutes.userKubeconfigVersion(userId), userId));
  }

  async kubeconfig(userId: number): Promise<UserKubeconfig> {
    return UserKubeconfig.parse(await this.get(InternalRoutes.userKubeconfig(userId), userId));
  }

  /** The users service is ready (its database too). */
  async reachable(): Promise<boolean> {
    try {
      const response = await request(new URL(HealthPaths.ready, this.options.usersUrl), { signal: AbortSignal.timeout(1_000) });
      await response.body.dump();
      return response.statusCode === 200;
    } catch {
      return false;
    }
  }

  private async get(path: string, userId: number): Promise<unknown> {
    const headers = signIdentity(this.options.signingSecret, { kind: 'service', name: 'releases' }, { method: 'GET', url: path });
    let response;
    try {
      response = await request(new URL(path, this.options.usersUrl), {
        headers,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      throw AppError.unavailable(ErrorMessage.usersServiceUnavailable, error);
    }
    const body = await response.body.json().catch(() => undefined);
    // A user without a stored kubeconfig (or deleted meanwhile) has nothing to reach: no context is allowed.
    if (response.statusCode === 404) return { userId, kubeconfigVersion: 0, rawKubeConfig: '', allowedContexts: [] };
    // A users service that is up but cannot serve names the cause (503 "database unavailable"): pass it on.
    const unavailable = response.statusCode === 503 ? ErrorBody.safeParse(body) : undefined;
    if (unavailable?.success) throw new AppError(503, unavailable.data.code, unavailable.data.errors);
    if (response.statusCode !== 200) throw AppError.unavailable(ErrorMessage.usersServiceUnavailable, new Error(`HTTP ${response.statusCode}`));
    return body;
  }
}
