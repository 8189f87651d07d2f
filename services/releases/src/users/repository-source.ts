import { InternalRoutes, RepositoryAccessList, type RepositoryAccess } from '@platform/contracts';
import type { ServiceClient } from '@platform/service-kit';
import { okBody, usersServiceClient, type UsersServiceOptions } from './users-service.js';

/** Where the releases service learns a user's chart repositories and their credentials (the users service owns them). */
export interface UserRepositorySource {
  repositories(userId: number): Promise<RepositoryAccess[]>;
}

/** The users service's internal route, called as `service:releases` (the only identity it answers). */
export class HttpUserRepositorySource implements UserRepositorySource {
  private readonly users: ServiceClient;

  constructor(options: UsersServiceOptions) {
    this.users = usersServiceClient(options);
  }

  async repositories(userId: number): Promise<RepositoryAccess[]> {
    return RepositoryAccessList.parse(okBody(await this.users.get(InternalRoutes.userRepositories(userId))));
  }
}
