import createClient, { type Client } from 'openapi-fetch';
import type { components, operations, paths } from './schema.js';

export type { components, operations, paths };

/** The typed client: `client.GET('/api/releases', { params: { query } })` and so on, checked against the document. */
export type ApiClient = Client<paths>;

export interface ApiClientOptions {
  /** The gateway's origin, `http://127.0.0.1:8080`; empty in a page the gateway serves (same origin). */
  baseUrl?: string;
  /** A fetch that keeps the session cookie (a browser's does; Node's needs a cookie jar, see tests). */
  fetch?: typeof globalThis.fetch;
  headers?: Record<string, string>;
}

export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  return createClient<paths>({
    baseUrl: options.baseUrl ?? '',
    credentials: 'same-origin',
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.headers ? { headers: options.headers } : {}),
  });
}

/** The JSON body an operation answers with a status. */
export type ResponseBody<Id extends keyof operations, Status extends number> = operations[Id]['responses'] extends infer Responses
  ? Status extends keyof Responses
    ? Responses[Status] extends { content: { 'application/json': infer Body } }
      ? Body
      : never
    : never
  : never;

export type Schemas = components['schemas'];
export type User = Schemas['User'];
export type KubeContext = Schemas['KubeContext'];
export type Release = Schemas['Release'];
export type ReleasePlan = Schemas['ReleasePlan'];
export type ApiToken = Schemas['ApiToken'];
export type CreatedApiToken = Schemas['CreatedApiToken'];
export type CreateApiTokenBody = Schemas['CreateApiTokenBody'];
export type AuditPage = ResponseBody<'listAuditEvents', 200>;
export type AuditEvent = AuditPage['events'][number];
export type ChartRepository = ResponseBody<'listRepositories', 200>[number];
export type AddRepositoryBody = operations['addRepository']['requestBody']['content']['application/json'];
export type ReleaseDiff = ResponseBody<'diffRevisions', 200>;
export type ReleaseResources = ResponseBody<'releaseResources', 200>;
export type ReleaseDrift = ResponseBody<'releaseDrift', 200>;
export type ChartVersionList = ResponseBody<'listChartVersions', 200>;
export type ChartView = ResponseBody<'showChart', 200>;
export type InstallBody = operations['installRelease']['requestBody']['content']['application/json'];

type UpgradeBody = Schemas['UpgradeBody'];
type RollbackBody = Schemas['RollbackBody'];
type PlanResult = { data?: ReleasePlan; error?: unknown; response: Response };

/**
 * Upgrade and rollback with `dryRun: true`: their 200 answers a ReleasePlan, which the document names under
 * `x-when` (OpenAPI 3.0 cannot say "empty, or JSON when asked"), so these give it its type.
 */
export async function planUpgrade(client: ApiClient, name: string, body: UpgradeBody): Promise<PlanResult> {
  const { data, error, response } = await client.POST('/api/releases/{name}/upgrade', { params: { path: { name } }, body: { ...body, dryRun: true } });
  return { data: data as ReleasePlan | undefined, error, response };
}

export async function planRollback(client: ApiClient, name: string, body: RollbackBody): Promise<PlanResult> {
  const { data, error, response } = await client.POST('/api/releases/{name}/rollback', { params: { path: { name } }, body: { ...body, dryRun: true } });
  return { data: data as ReleasePlan | undefined, error, response };
}

/** Install with `dryRun: true`: its 200 is the plan (the 201 of an install is the release, see installRelease). */
export async function planInstall(client: ApiClient, body: InstallBody): Promise<PlanResult> {
  const { data, error, response } = await client.POST('/api/releases', { body: { ...body, dryRun: true } });
  return { data: data as ReleasePlan | undefined, error, response };
}

/** Install (with `planToken`: exactly a plan); its 201 is the release helm made. */
export async function installRelease(client: ApiClient, body: InstallBody): Promise<{ data?: Release; error?: unknown; response: Response }> {
  const { data, error, response } = await client.POST('/api/releases', { body: { ...body, dryRun: undefined } });
  return { data: data as Release | undefined, error, response };
}

/**
 * A failed call as the contract describes it: `{code, errors}` JSON, or the plain-text 403 `Forbidden` of a
 * missing session (code null), or no answer at all (status 0: the network or the gateway is down).
 */
export interface ApiFailure {
  status: number;
  code: number | null;
  errors: string[];
}

/** Reads openapi-fetch's `error` (parsed JSON, or the text when not JSON) into an ApiFailure. */
export function failureOf(response: Response | undefined, error: unknown): ApiFailure {
  const status = response?.status ?? 0;
  if (typeof error === 'object' && error !== null && 'errors' in error && Array.isArray(error.errors)) {
    const code = 'code' in error && typeof error.code === 'number' ? error.code : null;
    return { status, code, errors: error.errors.filter((entry): entry is string => typeof entry === 'string') };
  }
  const text = typeof error === 'string' ? error.trim() : '';
  return { status, code: null, errors: text === '' ? [] : [text] };
}
