import type { z } from 'zod';
import { ErrorBody, ErrorMessage } from '../errors.js';
import { AuditPage, AuditQuery, ReleaseAuditQuery } from './audit.js';
import { NamespaceList, NamespacesQuery } from './k8s.js';
import { ListReleasesQuery, Release, ReleaseList, ReleaseParams, ReleaseQuery, RevisionParams, RollbackBody, UpgradeBody } from './releases.js';
import { ReleaseDrift, ReleaseResources } from './live.js';
import { InstallBody, InstallFormFields, installFormFiles, UninstallQuery } from './lifecycle.js';
import { ChartVersionList, ChartVersionsQuery, ChartView, ChartViewQuery } from './charts.js';
import { AddRepositoryBody, ChartRepository, ChartRepositoryList, ChartSearchQuery, ChartSearchResult, RepositoryParams } from './repositories.js';
import { DiffQuery, ReleaseDiff, ReleasePlan, RevisionManifest, RevisionNotes, RevisionValues, RevisionValuesQuery, RevisionViewParams } from './plan.js';
import { ApiTokenList, ApiTokenParams, CreateApiTokenBody, CreatedApiToken } from './tokens.js';
import { CreateUserBody, DeleteUserBody, KubeContextList, LoginBody, UpdateUserBody, User, UserIdParams } from './users.js';

export type ApiMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** One status of an operation's answer. Neither `json` nor `text`: the body is empty. */
export interface ApiReply {
  description: string;
  json?: z.ZodTypeAny;
  /** A plain-text body, one of these texts (the original server's 403 `Forbidden`). */
  text?: readonly string[];
  /** Response headers a client relies on, name → description. */
  headers?: Readonly<Record<string, string>>;
  /**
   * A JSON body sent only when the request asks for it, the status being otherwise empty (a plan, with
   * `dryRun`). OpenAPI 3.0 cannot say "empty or JSON" (a fuzzer would take the empty answer for a missing
   * content type), so the document names it in the `x-when` extension and in components.
   */
  jsonWhen?: { condition: string; json: z.ZodTypeAny };
}

/** One operation of the public API, as the gateway serves it (itself or by proxy). */
export interface ApiOperation {
  operationId: string;
  method: ApiMethod;
  /** OpenAPI path template: `/api/users/{id}`. */
  path: string;
  summary: string;
  tag: 'auth' | 'users' | 'tokens' | 'releases' | 'k8s' | 'repositories' | 'audit';
  /** Needs the session cookie of a logged-in user (or, where its scope allows, an API token). */
  session: boolean;
  params?: z.AnyZodObject;
  query?: z.AnyZodObject;
  body?: z.ZodTypeAny;
  /** The same request as multipart/form-data: text fields, and file parts (all required) by name. */
  form?: { fields: z.AnyZodObject; files: readonly string[] };
  responses: Readonly<Record<number, ApiReply>>;
}

const error = (description: string): ApiReply => ({ description, json: ErrorBody });

/** Failures any operation can meet, whatever it does. */
const everywhere = {
  500: error('A database, internal or cluster operation (603) failure.'),
  503: error('The session store or the service behind the route is unavailable.'),
} as const;

/** Failures of an operation that reads a JSON body. */
const withBody = {
  400: error('The body or a parameter could not be decoded (600), or a value is unusable (an unparseable kubeconfig).'),
  413: error('The body is larger than the gateway accepts (600 "request body too large").'),
  422: error('A value breaks a rule (601 "<rule> validation failed").'),
} as const;

const crossOrigin = `a state-changing request from a page of another origin (JSON, "${ErrorMessage.crossOriginRefused}")`;
const crossOriginRefused = error(`Refused: ${crossOrigin}.`);
const notLoggedIn = "Not logged in, or another user's id: the plain text `Forbidden`.";

/** 403 of a state-changing operation of a logged-in user: not logged in (text) or another origin (JSON). */
const forbiddenChange: ApiReply = { description: `${notLoggedIn} Or ${crossOrigin}.`, text: [ErrorMessage.forbidden], json: ErrorBody };
const forbiddenRead: ApiReply = { description: notLoggedIn, text: [ErrorMessage.forbidden] };

/** Release and k8s calls: the cluster's answers in the contract's codes (docs/api-decisions.md). */
const clusterCall = {
  ...everywhere,
  400: error('The body or a parameter could not be decoded (600).'),
  403: {
    description: `${notLoggedIn} Or JSON: the context is not allowed (605), the cluster refused the operation (608), or ${crossOrigin}.`,
    text: [ErrorMessage.forbidden],
    json: ErrorBody,
  },
  404: error('The release or revision does not exist (602), or the user no longer exists.'),
  422: error('A value breaks a rule (601), the kubeconfig is refused (601), or the values are invalid (607).'),
  502: error('The cluster could not be reached or refused the credentials (604).'),
} as const;

/** An empty namespace finds a release by name in every namespace; its name may be in several. */
const ambiguous = 'the namespace is empty and the release name is in more than one namespace (610, naming them)';

/** Upgrade and rollback run helm: a bounded number at once per user and per replica, never queued. */
const helmBusy = {
  429: {
    ...error('The user has as many helm operations running as allowed (429).'),
    headers: { 'Retry-After': 'Seconds after which a new attempt may succeed.' },
  },
  503: {
    ...error('The session store or the service behind the route is unavailable, or the service runs as many helm operations as allowed (503).'),
    headers: { 'Retry-After': 'Seconds after which a new attempt may succeed (when helm operations are full).' },
  },
} as const;

/** Reads of one release: cluster calls, and the ambiguity of an empty namespace. */
const oneReleaseRead = { ...clusterCall, 409: error(`Refused: ${ambiguous}.`) } as const;

const retryAfter = { 'Retry-After': 'Seconds until the next attempt may succeed.' };
/** Every password check (bcrypt) counts against the client address's budget (see the gateway's README section). */
const tooManyPasswordRequests = { ...error('Too many password checks from this address lately.'), headers: retryAfter };

/** Reads of the audit store (the users service's database). */
const auditRead = {
  ...everywhere,
  400: error('A filter or the cursor could not be decoded (600).'),
  403: forbiddenRead,
  422: error('A filter breaks a rule (601).'),
} as const;

const sessionCookie = { 'Set-Cookie': 'The session cookie (HttpOnly, SameSite=Lax): a new session id at every login.' };
const clearedCookie = { 'Set-Cookie': 'Clears the session cookie.' };

/** Token management needs a session: its 403 is also a token's 612 (`token lacks scope session`). */
const sessionOnlyChange: ApiReply = { ...forbiddenChange, description: `${forbiddenChange.description} Or 612: called with an API token.` };

/**
 * What an API token (`Authorization: Bearer prt_…`) adds to every operation that needs a session: 401 when
 * the token is not live, and a JSON 403/612 naming the scope it lacks. Added here once, so no operation
 * forgets them.
 */
function withTokenReplies(operation: ApiOperation): ApiOperation {
  if (!operation.session) return operation;
  const forbidden = operation.responses[403];
  return {
    ...operation,
    responses: {
      ...operation.responses,
      401: error('An API token that is malformed, unknown, expired or revoked (401 "invalid, expired or revoked token").'),
      403: {
        ...forbidden,
        description: `${forbidden?.description ?? notLoggedIn} Or JSON 612: the API token lacks the scope the operation needs, named in the message.`,
        text: forbidden?.text ?? [ErrorMessage.forbidden],
        json: ErrorBody,
      },
    },
  };
}

const tokenOperations: ApiOperation[] = [
  {
    operationId: 'createApiToken',
    method: 'POST',
    path: '/api/tokens',
    summary:
      'Creates a personal API token (`prt_…`, for `Authorization: Bearer`): read or write access, optionally limited to contexts, namespaces and releases; expires within 366 days. The token is in this answer only.',
    tag: 'tokens',
    session: true,
    body: CreateApiTokenBody,
    responses: {
      ...everywhere,
      ...withBody,
      201: { description: 'The token, with its secret `token`: shown this once, stored hashed.', json: CreatedApiToken },
      403: sessionOnlyChange,
    },
  },
  {
    operationId: 'listApiTokens',
    method: 'GET',
    path: '/api/tokens',
    summary: "The user's API tokens, oldest first, without their secrets.",
    tag: 'tokens',
    session: true,
    responses: { ...everywhere, 200: { description: 'The tokens.', json: ApiTokenList }, 403: forbiddenRead },
  },
  {
    operationId: 'revokeApiToken',
    method: 'DELETE',
    path: '/api/tokens/{id}',
    summary: "Revokes one of the user's API tokens: refused by every gateway from the next request on.",
    tag: 'tokens',
    session: true,
    params: ApiTokenParams,
    responses: {
      ...everywhere,
      204: { description: 'Revoked.' },
      422: error('The id is not a token id (601 "tokenid validation failed").'),
      403: sessionOnlyChange,
      404: error('The user has no token with this id (602).'),
    },
  },
];

const operations: ApiOperation[] = [
  {
    operationId: 'createUser',
    method: 'POST',
    path: '/api/users',
    summary: 'Creates a user and logs them in.',
    tag: 'auth',
    session: false,
    body: CreateUserBody,
    responses: {
      ...everywhere,
      ...withBody,
      201: { description: 'The user: only `id` is filled.', json: User, headers: sessionCookie },
      403: crossOriginRefused,
      429: tooManyPasswordRequests,
    },
  },
  {
    operationId: 'login',
    method: 'POST',
    path: '/api/login',
    summary: 'Logs a user in with email and password.',
    tag: 'auth',
    session: false,
    body: LoginBody,
    responses: {
      ...everywhere,
      ...withBody,
      200: { description: 'The user: only `id` is filled.', json: User, headers: sessionCookie },
      401: error('Email not registered, or incorrect password (401).'),
      403: crossOriginRefused,
      429: {
        ...error('Too many failed logins for this email, this address, or both, or too many password checks from this address.'),
        headers: retryAfter,
      },
    },
  },
  {
    operationId: 'logout',
    method: 'POST',
    path: '/api/logout',
    summary: 'Ends the session.',
    tag: 'auth',
    session: true,
    responses: {
      ...everywhere,
      200: { description: 'Logged out; empty body.', headers: clearedCookie },
      400: error('A body was sent that could not be decoded (600).'),
      403: forbiddenChange,
      413: withBody[413],
    },
  },
  {
    operationId: 'checkAuth',
    method: 'GET',
    path: '/api/auth/check',
    summary: 'Whether the session cookie is a live session: the logged-in user, as `GET /api/users/{id}` shapes it.',
    tag: 'auth',
    session: true,
    responses: {
      ...everywhere,
      200: { description: 'Logged in: the user.', json: User },
      403: { description: 'Not logged in: the plain text `Forbidden`.', text: [ErrorMessage.forbidden] },
      404: error("The session's user no longer exists (602); its sessions are being ended."),
    },
  },
  {
    operationId: 'getUser',
    method: 'GET',
    path: '/api/users/{id}',
    summary: 'The logged-in user; `contexts` are the allowed context names.',
    tag: 'users',
    session: true,
    params: UserIdParams,
    responses: {
      ...everywhere,
      200: { description: 'The user.', json: User },
      400: error('The id is not a number (600).'),
      403: forbiddenRead,
      404: error('No such user (602).'),
    },
  },
  {
    operationId: 'listUserContexts',
    method: 'GET',
    path: '/api/users/{id}/contexts',
    summary: 'The contexts of the stored kubeconfig, sorted by name; `selected` when allowed.',
    tag: 'users',
    session: true,
    params: UserIdParams,
    responses: {
      ...everywhere,
      200: { description: 'The contexts.', json: KubeContextList },
      400: error('The id is not a number (600).'),
      403: forbiddenRead,
      404: error('No such user (602).'),
    },
  },
  {
    operationId: 'updateUser',
    method: 'PUT',
    path: '/api/users/{id}',
    summary: 'Stores a kubeconfig and/or the allowed contexts.',
    tag: 'users',
    session: true,
    params: UserIdParams,
    body: UpdateUserBody,
    responses: {
      ...everywhere,
      ...withBody,
      204: { description: 'Updated.' },
      403: forbiddenChange,
      404: error('No such user (602).'),
    },
  },
  {
    operationId: 'deleteUser',
    method: 'DELETE',
    path: '/api/users/{id}',
    summary: 'Deletes the user (the password is required) and ends all of their sessions.',
    tag: 'users',
    session: true,
    params: UserIdParams,
    body: DeleteUserBody,
    responses: {
      ...everywhere,
      ...withBody,
      204: { description: 'Deleted.', headers: clearedCookie },
      400: error('Invalid password (601), or the body or id could not be decoded (600).'),
      403: forbiddenChange,
      404: error('No such user (602).'),
      429: tooManyPasswordRequests,
    },
  },
  {
    operationId: 'listReleases',
    method: 'GET',
    path: '/api/releases',
    summary:
      'The latest revision of each release, filtered, sorted and paged as `helm list` does; with `health=true` each carries `health` (worst object status and counts).',
    tag: 'releases',
    session: true,
    query: ListReleasesQuery,
    responses: { ...clusterCall, 200: { description: 'Helm release JSON.', json: ReleaseList } },
  },
  {
    operationId: 'releaseHistory',
    method: 'GET',
    path: '/api/releases/{name}/history',
    summary: 'Every revision of a release, by revision ascending.',
    tag: 'releases',
    session: true,
    params: ReleaseParams,
    query: ReleaseQuery,
    responses: { ...oneReleaseRead, 200: { description: 'Helm release JSON.', json: ReleaseList } },
  },
  {
    operationId: 'getRelease',
    method: 'GET',
    path: '/api/releases/{name}/{revision}',
    summary: 'One revision of a release; 0 is the latest deployed one.',
    tag: 'releases',
    session: true,
    params: RevisionParams,
    query: ReleaseQuery,
    responses: { ...oneReleaseRead, 200: { description: 'Helm release JSON.', json: Release } },
  },
  {
    operationId: 'diffRevisions',
    method: 'GET',
    path: '/api/releases/{name}/diff',
    summary:
      'What changed between two revisions: objects (added, removed, changed with paths and a unified diff), values, notes, chart. Secret values redacted.',
    tag: 'releases',
    session: true,
    params: ReleaseParams,
    query: DiffQuery,
    responses: { ...oneReleaseRead, 200: { description: 'The structured diff, in a fixed order.', json: ReleaseDiff } },
  },
  {
    operationId: 'getRevisionManifest',
    method: 'GET',
    path: '/api/releases/{name}/{revision}/manifest',
    summary: 'The rendered manifest of a revision (0: the latest deployed), as `helm get manifest`.',
    tag: 'releases',
    session: true,
    params: RevisionViewParams,
    query: ReleaseQuery,
    responses: { ...oneReleaseRead, 200: { description: 'The manifest.', json: RevisionManifest } },
  },
  {
    operationId: 'getRevisionValues',
    method: 'GET',
    path: '/api/releases/{name}/{revision}/values',
    summary: 'The user-supplied values of a revision, or with `all=true` the computed ones, as `helm get values [--all]`.',
    tag: 'releases',
    session: true,
    params: RevisionViewParams,
    query: RevisionValuesQuery,
    responses: { ...oneReleaseRead, 200: { description: 'The values.', json: RevisionValues } },
  },
  {
    operationId: 'getRevisionNotes',
    method: 'GET',
    path: '/api/releases/{name}/{revision}/notes',
    summary: 'The rendered notes of a revision, as `helm get notes`.',
    tag: 'releases',
    session: true,
    params: RevisionViewParams,
    query: ReleaseQuery,
    responses: { ...oneReleaseRead, 200: { description: 'The notes.', json: RevisionNotes } },
  },
  {
    operationId: 'releaseResources',
    method: 'GET',
    path: '/api/releases/{name}/resources',
    summary: "The objects of the deployed revision with a kstatus-like health each, and the worst as the release's; one list per kind and namespace.",
    tag: 'releases',
    session: true,
    params: ReleaseParams,
    query: ReleaseQuery,
    responses: { ...oneReleaseRead, 200: { description: 'The objects and their health.', json: ReleaseResources } },
  },
  {
    operationId: 'releaseDrift',
    method: 'GET',
    path: '/api/releases/{name}/drift',
    summary: 'The live objects of the deployed revision against its manifest: missing, changed (with paths and a diff) or unchanged. Secret values redacted.',
    tag: 'releases',
    session: true,
    params: ReleaseParams,
    query: ReleaseQuery,
    responses: { ...oneReleaseRead, 200: { description: 'The drift, in a fixed order.', json: ReleaseDrift } },
  },
  {
    operationId: 'installRelease',
    method: 'POST',
    path: '/api/releases',
    summary:
      "Installs a chart (an uploaded archive, a chart of a Helm HTTP repository or an OCI registry, or of one of the user's repositories by name) as a new release with the helm binary; with `dryRun` plans it (helm --dry-run=server); with `planToken` installs exactly a plan. The same fields may come as multipart/form-data, the archive as a file part `chart`.",
    tag: 'releases',
    session: true,
    body: InstallBody,
    form: { fields: InstallFormFields, files: installFormFiles },
    responses: {
      ...clusterCall,
      200: { description: '`dryRun`: the plan, a `ReleasePlan` (every object added; nothing written).', json: ReleasePlan },
      201: { description: 'Installed: the release (Helm release JSON).', json: Release },
      404: error('The chart is not in the repository, no version matches `version`, or the user has no repository of that name (602, naming it).'),
      409: error(
        'The name has revisions in the namespace (611), another operation on it is in progress (606), or with `planToken`: the release appeared since the plan or the request is not the planned one (609).',
      ),
      413: withBody[413],
      422: error('A value breaks a rule (601), the chart archive is refused (601 "chart validation failed: <reason>"), or the values are invalid (607).'),
      502: error('The cluster, or the chart repository, could not be reached, was refused by the address policy, or answered other than a chart (604).'),
    },
  },
  {
    operationId: 'uninstallRelease',
    method: 'DELETE',
    path: '/api/releases/{name}',
    summary:
      'Uninstalls a release with the helm binary (delete hooks run); with `keepHistory` its records stay, the latest `uninstalled`, and it can be rolled back.',
    tag: 'releases',
    session: true,
    params: ReleaseParams,
    query: UninstallQuery,
    responses: {
      ...clusterCall,
      200: { description: 'Uninstalled; empty body.' },
      404: error('The release does not exist, or is already uninstalled with its history kept (602).'),
      409: error(`Another operation on this release is in progress (606), or ${ambiguous}.`),
    },
  },
  {
    operationId: 'rollbackRelease',
    method: 'POST',
    path: '/api/releases/{name}/rollback',
    summary: 'Rolls a release back to a revision (0: the previous one); with `dryRun` plans it; with `planToken` applies exactly a plan.',
    tag: 'releases',
    session: true,
    params: ReleaseParams,
    body: RollbackBody,
    responses: {
      ...clusterCall,
      200: {
        description: 'Rolled back; empty body. With `dryRun: true`: the plan, a `ReleasePlan` (nothing changed).',
        jsonWhen: { condition: 'dryRun is true', json: ReleasePlan },
      },
      409: error(
        `Another operation on this release is in progress (606), the release moved since the plan or the request is not the planned one (609), or ${ambiguous}.`,
      ),
      413: withBody[413],
      ...helmBusy,
    },
  },
  {
    operationId: 'upgradeRelease',
    method: 'POST',
    path: '/api/releases/{name}/upgrade',
    summary:
      'Upgrades a release with new values (YAML; empty reuses the previous ones); with `dryRun` plans it (helm --dry-run=server); with `planToken` applies exactly a plan.',
    tag: 'releases',
    session: true,
    params: ReleaseParams,
    body: UpgradeBody,
    responses: {
      ...clusterCall,
      200: {
        description: 'Upgraded; empty body. With `dryRun: true`: the plan, a `ReleasePlan` (nothing changed).',
        jsonWhen: { condition: 'dryRun is true', json: ReleasePlan },
      },
      409: error(
        `Another operation on this release is in progress (606), the release moved since the plan or the request is not the planned one (609), or ${ambiguous}.`,
      ),
      413: withBody[413],
      ...helmBusy,
    },
  },
  {
    operationId: 'listChartVersions',
    method: 'GET',
    path: '/api/charts/versions',
    summary: 'The versions of a chart in a Helm HTTP repository (index.yaml) or an OCI registry (tags list).',
    tag: 'releases',
    session: true,
    query: ChartVersionsQuery.innerType(),
    responses: {
      ...everywhere,
      200: { description: 'The versions.', json: ChartVersionList },
      400: error('A parameter could not be decoded (600).'),
      403: forbiddenRead,
      404: error('The chart is not in the repository or registry (602, naming it).'),
      422: error('A parameter breaks a rule (601; "chart validation failed" unless exactly one of repository with name, or oci).'),
      502: error('The repository or registry could not be reached, was refused by the address policy, or answered other than an index (604).'),
    },
  },
  {
    operationId: 'showChart',
    method: 'GET',
    path: '/api/charts/show',
    summary:
      "A chart version's default values (values.yaml text), README and values.schema.json: what a client needs to build a form. Without `version`, the newest stable one.",
    tag: 'releases',
    session: true,
    query: ChartViewQuery.innerType(),
    responses: {
      ...everywhere,
      200: { description: "The chart version's files.", json: ChartView },
      400: error('A parameter could not be decoded (600).'),
      403: forbiddenRead,
      404: error('The chart, or a version matching `version`, is not there (602, naming the chart).'),
      422: error('A parameter breaks a rule (601), or the chart archive is refused (601 "chart validation failed: <reason>").'),
      502: error('The repository or registry could not be reached, was refused by the address policy, or answered other than a chart (604).'),
    },
  },
  {
    operationId: 'listRepositories',
    method: 'GET',
    path: '/api/repositories',
    summary: "The user's chart repositories, by name; credentials are never answered (`hasCredentials`).",
    tag: 'repositories',
    session: true,
    responses: { ...everywhere, 200: { description: 'The repositories.', json: ChartRepositoryList }, 403: forbiddenRead },
  },
  {
    operationId: 'addRepository',
    method: 'POST',
    path: '/api/repositories',
    summary: 'Adds a chart repository (Helm HTTP or OCI) under a name, with optional basic auth or a bearer token, stored encrypted.',
    tag: 'repositories',
    session: true,
    body: AddRepositoryBody,
    responses: {
      ...everywhere,
      ...withBody,
      201: { description: 'Added: the repository (without its credentials).', json: ChartRepository },
      403: forbiddenChange,
      409: error('The user already has a repository of that name (613).'),
      422: error(
        'A value breaks a rule (601): a name that is not a DNS label, a URL that is not http(s):// or oci://, half a credential, or more repositories than a user may keep.',
      ),
    },
  },
  {
    operationId: 'removeRepository',
    method: 'DELETE',
    path: '/api/repositories/{name}',
    summary: "Removes one of the user's chart repositories and its credentials.",
    tag: 'repositories',
    session: true,
    params: RepositoryParams,
    responses: {
      ...everywhere,
      204: { description: 'Removed; empty body.' },
      403: forbiddenChange,
      404: error('The user has no repository of that name (602).'),
      422: error('The name is not a repository name (601).'),
    },
  },
  {
    operationId: 'searchCharts',
    method: 'GET',
    path: '/api/repositories/search',
    summary:
      "Charts of the user's repositories whose name or description contains `q`, with their versions (index.yaml; for an OCI repository, the tags of the chart named `q`). Bounded; unreadable repositories are listed apart.",
    tag: 'repositories',
    session: true,
    query: ChartSearchQuery,
    responses: {
      ...everywhere,
      200: { description: 'The charts found.', json: ChartSearchResult },
      400: error('A parameter could not be decoded (600).'),
      403: forbiddenRead,
      404: error('`repository` names no repository of the user (602).'),
      422: error('A parameter breaks a rule (601).'),
    },
  },
  {
    operationId: 'listNamespaces',
    method: 'GET',
    path: '/api/k8s/namespaces',
    summary: "The namespaces of a context's cluster (Kubernetes' NamespaceList).",
    tag: 'k8s',
    session: true,
    query: NamespacesQuery,
    responses: { ...clusterCall, 200: { description: 'The NamespaceList.', json: NamespaceList } },
  },
  ...tokenOperations,
  {
    operationId: 'listAuditEvents',
    method: 'GET',
    path: '/api/audit',
    summary: "The caller's own audit events, newest first, filtered by type, release, namespace, context and time; cursor paging.",
    tag: 'audit',
    session: true,
    query: AuditQuery,
    responses: { ...auditRead, 200: { description: 'A page of events.', json: AuditPage } },
  },
  {
    operationId: 'listReleaseAuditEvents',
    method: 'GET',
    path: '/api/releases/{name}/audit',
    summary: "The caller's own audit events of one release (any namespace and context unless filtered), newest first; cursor paging.",
    tag: 'audit',
    session: true,
    params: ReleaseParams,
    query: ReleaseAuditQuery,
    responses: { ...auditRead, 200: { description: 'A page of events.', json: AuditPage } },
  },
];

/** Every public operation. The gateway's /openapi.json is made from this table; a test holds it to the real routes. */
export const ApiOperations: readonly ApiOperation[] = operations.map(withTokenReplies);
