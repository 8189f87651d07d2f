import { z } from 'zod';

/** The error body of every non-2xx JSON response (lowercase keys, as the original server sent). */
export const ErrorBody = z.object({
  code: z.number().int(),
  errors: z.array(z.string()),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** Porter's error codes (600-602), the status-like codes it reused (401, 500), and ours (603+, see docs/api-decisions.md). */
export const ErrorCode = {
  Unauthorized: 401,
  /** A state-changing request from a page of another origin (see the gateway's origin check). */
  CrossOriginRefused: 403,
  TooManyRequests: 429,
  Internal: 500,
  Unavailable: 503,
  BadRequest: 600,
  ValidationFailed: 601,
  NotFound: 602,
  ClusterOperationFailed: 603,
  ClusterUnreachable: 604,
  ContextNotAllowed: 605,
  OperationInProgress: 606,
  InvalidValues: 607,
  ClusterForbidden: 608,
  /** An upgrade or rollback with a plan token, after the release moved or with other inputs than planned. */
  PlanStale: 609,
  /** An empty namespace names a release that exists in more than one namespace (409). */
  AmbiguousRelease: 610,
  /** An install names a release that already exists in the namespace (409), uninstalled with its history kept or not. */
  ReleaseNameTaken: 611,
  /** An API token lacks the scope the route needs (403; the message names the scope, see tokenScopeMissing). */
  TokenScopeMissing: 612,
  /** A chart repository of that name is already the user's (409). */
  RepositoryNameTaken: 613,
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Messages fixed by the specification; clients match on them. */
export const ErrorMessage = {
  couldNotProcess: 'could not process request',
  notFound: 'could not find requested object',
  releaseNotFound: 'release not found',
  dataWrite: 'could not write to database',
  dataRead: 'could not read from database',
  internal: 'internal server error',
  emailTaken: 'email already taken',
  emailNotRegistered: 'email not registered',
  incorrectPassword: 'incorrect password',
  invalidPassword: 'invalid password',
  tooManyLoginAttempts: 'too many login attempts, try again later',
  /** Sign-up or account deletion refused: the client's address asked for too many password checks lately. */
  tooManyPasswordRequests: 'too many password requests, try again later',
  bodyTooLarge: 'request body too large',
  contextNotAllowed: 'context is not one of the allowed contexts',
  operationInProgress: 'another operation (install/upgrade/rollback) is in progress',
  planStale: 'the release changed since the plan, or the request is not the planned one',
  sessionStoreUnavailable: 'session store unavailable',
  databaseUnavailable: 'database unavailable',
  /** The gateway could not reach the service behind a route. */
  serviceUnavailable: 'service unavailable',
  /** The releases service could not ask the users service for a user's kubeconfig. */
  usersServiceUnavailable: 'users service unavailable',
  crossOriginRefused: 'cross-origin request refused',
  /** 401: a bearer value with our token prefix that is malformed, unknown, expired, revoked, or whose user is gone. */
  invalidToken: 'invalid, expired or revoked token',
  /** Plain-text body (not JSON) of a 403, as the original server sent it. */
  forbidden: 'Forbidden',
} as const;

/** `"<rule> validation failed"`, the original server's wording for a failed validation rule. */
export const validationFailed = (rule: string): string => `${rule} validation failed`;

/** 422/601: a kubeconfig the platform refuses to use, and why (said alike by the users and releases services). */
export const kubeconfigRefused = (reason: string): string => `${validationFailed('kubeconfig')}: ${reason}`;

/** 409/610: the release name is in several namespaces, so an empty namespace cannot say which one is meant. */
export const ambiguousRelease = (name: string, namespaces: readonly string[]): string =>
  `release ${name} exists in more than one namespace (${namespaces.join(', ')}): name one with namespace`;

/** 409/611: an install of a name that has revisions in the namespace (Helm's "cannot re-use a name that is still in use"). */
export const releaseNameTaken = (name: string, namespace: string): string =>
  `release name ${name} is in use in namespace ${namespace}: uninstall it, or roll back an uninstalled one`;

/**
 * 403/612: what an API token would need for the request: `write`, `session` (routes only a logged-in session
 * may call: tokens, password, kubeconfig, logout), `context:<name>`, `namespace:<name>` or `release:<name>`
 * (`*` when the request names none, so it would reach all of them).
 */
export const tokenScopeMissing = (scope: string): string => `token lacks scope ${scope}`;
/** 409/613: a user adds a chart repository under a name they already use. */
export const repositoryNameTaken = (name: string): string => `repository name ${name} is taken: remove that repository first, or choose another name`;

/** The reason of kubeconfigRefused for one context of it. */
export const contextUnusable = (context: string, reason: string): string => `context ${context} cannot be used: ${reason}`;

export interface ErrorReply {
  status: number;
  body: ErrorBody;
}

/**
 * Maps a zod failure to the contract's reply. A value of the wrong type is a request that could not be
 * decoded (400/600, as Go's JSON decoder failed in the original); a value that decodes but breaks a rule
 * is 422/601 with the rule's name, as go-playground/validator named it.
 */
export function validationErrorReply(issues: readonly z.ZodIssue[]): ErrorReply {
  const decodeFailure = issues.some(
    (issue) =>
      (issue.code === 'invalid_type' && issue.received !== 'undefined') ||
      issue.code === 'invalid_union' ||
      issue.code === 'unrecognized_keys' ||
      issue.code === 'invalid_literal',
  );
  if (decodeFailure || issues.length === 0) {
    return { status: 400, body: { code: ErrorCode.BadRequest, errors: [ErrorMessage.couldNotProcess] } };
  }
  return { status: 422, body: { code: ErrorCode.ValidationFailed, errors: [validationFailed(ruleOf(issues[0]!))] } };
}

function ruleOf(issue: z.ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return 'required';
    case 'invalid_string':
      return typeof issue.validation === 'string' && issue.validation !== 'regex' ? issue.validation : issue.message;
    case 'invalid_enum_value':
      return 'oneof';
    case 'too_small':
      return issue.type === 'string' && issue.minimum === 1 ? 'required' : 'min';
    case 'too_big':
      return 'max';
    default:
      return issue.message;
  }
}
