import { ErrorBody, ErrorMessage, InternalRoutes, RepositoryAccessList, type RepositoryAccess } from '@platform/contracts';
import { AppError, ServiceClient } from '@platform/service-kit';
import type { HttpUserKubeconfigSourceOptions } from './kubeconfig-source.js';

/** Where the releases service learns a user's chart repositories and their credentials (the users service owns them). */
export interface UserRepositorySource {
  repositories(userId: number): Promise<RepositoryAccess[]>;
}

/** The users service's internal route, called as `service:releases` (the only identity it answers). */
export class HttpUserRepositorySource implements UserRepositorySource {
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

  async repositories(userId: number): Promise<RepositoryAccess[]> {
    const { status, body } = await this.users.get(InternalRoutes.userRepositories(userId));
    const unavailable = status === 503 ? ErrorBody.safeParse(body) : undefined;
    if (unavailable?.success) throw new AppError(503, unavailable.data.code, unavailable.data.errors);
    if (status !== 200) throw AppError.unavailable(ErrorMessage.usersServiceUnavailable, new Error(`HTTP ${status}`));
    return RepositoryAccessList.parse(body);
  }
}
