import { InternalRoutes, UserKubeconfig, UserKubeconfigVersion } from '@platform/contracts';
import type { ServiceClient } from '@platform/service-kit';
import { okBody, usersServiceClient, type UsersServiceOptions } from './users-service.js';

/** Where the releases service learns a user's kubeconfig and allowed contexts (the users service owns them). */
export interface UserKubeconfigSource {
  /** The cheap read-your-writes check, asked on every request. */
  version(userId: number): Promise<UserKubeconfigVersion>;
  kubeconfig(userId: number): Promise<UserKubeconfig>;
  /** Whether the source can answer now (readiness reports it). */
  reachable?(): Promise<boolean>;
}

/** The users service's internal routes, called as `service:releases` (the only identity they accept). */
export class HttpUserKubeconfigSource implements UserKubeconfigSource {
  private readonly users: ServiceClient;

  constructor(options: UsersServiceOptions) {
    this.users = usersServiceClient(options);
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
    const reply = await this.users.get(path);
    // A user without a stored kubeconfig (or deleted meanwhile) has nothing to reach: no context is allowed.
    if (reply.status === 404) return { userId, kubeconfigVersion: 0, rawKubeConfig: '', allowedContexts: [] };
    return okBody(reply);
  }
}
