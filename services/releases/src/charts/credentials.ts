import type { RepositoryCredentials } from '@platform/contracts';

/** The Authorization header a repository's credentials make: basic auth, or a bearer token. Never logged or put in a message. */
export function authorizationOf(credentials: RepositoryCredentials): string {
  return 'token' in credentials ? `Bearer ${credentials.token}` : `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}
