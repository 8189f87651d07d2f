import { AppError } from '@platform/service-kit';
import { isRepositoryName, OciReference, type ChartReference, type RepositoryAccess, type RepositoryCredentials } from '@platform/contracts';
import type { UserRepositorySource } from '../users/repository-source.js';

/** A chart reference as chart-source reads it (a URL, an OCI reference or an archive) and the credentials it needs. */
export interface ResolvedChartReference {
  reference: ChartReference;
  credentials?: RepositoryCredentials;
}

/**
 * `repository: "<name>"` names one of the user's repositories: it becomes that repository's URL (an HTTP
 * repository and the chart's name, or `<oci url>/<chart>`) with its credentials. Other references pass as
 * they are, without credentials. 404/602 when the user has no repository of that name.
 */
export async function resolveChartReference(reference: ChartReference, userId: number, source: UserRepositorySource): Promise<ResolvedChartReference> {
  if (reference.repository === undefined || !isRepositoryName(reference.repository)) return { reference };
  const repository = await userRepository(userId, reference.repository, source);
  const credentials = repository.credentials === null ? {} : { credentials: repository.credentials };
  if (!repository.url.startsWith('oci://')) return { reference: { repository: repository.url, name: reference.name! }, ...credentials };
  const oci = `${repository.url.replace(/\/+$/, '')}/${reference.name!}`;
  // Chart names may have capitals, OCI paths may not: such a chart cannot be in the registry.
  if (!OciReference.safeParse(oci).success) throw AppError.notFound(`chart ${reference.name!} not found in the registry`);
  return { reference: { oci, plainHttp: repository.plainHttp }, ...credentials };
}

/** One of the user's repositories by name; 404/602 naming it when they have none of that name. */
export async function userRepository(userId: number, name: string, source: UserRepositorySource): Promise<RepositoryAccess> {
  const repository = (await source.repositories(userId)).find((candidate) => candidate.name === name);
  if (!repository) throw AppError.notFound(`repository ${name} not found`);
  return repository;
}
