import { ApiOperations, z, type ApiOperation, type ApiTokenScope } from '@platform/contracts';

/**
 * What an API token may call, decided in one place from the contract's table of operations (ApiOperations),
 * so an operation added there is covered at once:
 * - session only, whatever the scope: managing tokens, the account (its password, its kubeconfig: reading it
 *   too, since it holds the cluster credentials every scope limit would be meant to withhold) and logout;
 * - `read` for GET, `write` for everything else;
 * - a token limited to contexts, namespaces or releases must name one of them in each request that can name
 *   one (query, body or path, as the operation's schemas say). A request that names none would reach all of
 *   them (an empty namespace lists or finds releases in every namespace), so it is refused as `*`.
 */
const sessionOnly = new Set(['createApiToken', 'revokeApiToken', 'getUser', 'updateUser', 'deleteUser', 'checkAuth', 'logout']);

/** The parts of a request the scope is checked against. */
export interface ScopedRequest {
  method: string;
  /** Without the query string. */
  path: string;
  query: unknown;
  body: unknown;
}

interface OperationRule {
  operation: ApiOperation;
  pattern: RegExp;
  params: string[];
  /** Literal path segments: `/api/releases/{name}/history` wins over `/api/releases/{name}/{revision}`. */
  literals: number;
  sessionOnly: boolean;
  /** Where the request names each limited thing, if the operation can name it. */
  context: 'query' | 'body' | null;
  namespace: 'query' | 'body' | null;
  release: 'path' | 'body' | 'all' | null;
}

const rules: OperationRule[] = ApiOperations.map(ruleOf).sort((a, b) => b.literals - a.literals);

/** The scope the token lacks for the request (`write`, `session`, `context:admin`, ...), or null when it may. */
export function missingScope(scope: ApiTokenScope, request: ScopedRequest): string | null {
  const method = request.method.toUpperCase();
  const rule = rules.find((candidate) => candidate.operation.method === method && candidate.pattern.test(request.path));
  if (rule?.sessionOnly) return 'session';
  if (method !== 'GET' && method !== 'HEAD' && scope.access !== 'write') return 'write';
  // An undocumented path is no operation of ours: the service behind it answers 404.
  if (!rule) return null;
  const params = pathParams(rule, request.path);
  const context = rule.context && named(rule.context === 'query' ? request.query : request.body, 'context');
  if (rule.context && scope.contexts && !scope.contexts.includes(context ?? '')) return `context:${context || '*'}`;
  const namespace = rule.namespace && named(rule.namespace === 'query' ? request.query : request.body, 'namespace');
  if (rule.namespace && scope.namespaces && !scope.namespaces.includes(namespace ?? '')) return `namespace:${namespace || '*'}`;
  const release = rule.release === 'path' ? params.name : rule.release === 'body' ? named(request.body, 'name') : undefined;
  if (rule.release && scope.releases && !scope.releases.includes(release ?? '')) return `release:${release || '*'}`;
  return null;
}

function ruleOf(operation: ApiOperation): OperationRule {
  const segments = operation.path.split('/').slice(1);
  const params = segments.filter((segment) => segment.startsWith('{')).map((segment) => segment.slice(1, -1));
  const pattern = new RegExp(`^/${segments.map((segment) => (segment.startsWith('{') ? '([^/]+)' : escape(segment))).join('/')}/?$`);
  const queryKeys = keysOf(operation.query);
  const bodyKeys = keysOf(operation.body);
  const where = (key: string) => (queryKeys.has(key) ? 'query' : bodyKeys.has(key) ? 'body' : null);
  const aboutReleases = operation.path === '/api/releases' || operation.path.startsWith('/api/releases/');
  return {
    operation,
    pattern,
    params,
    literals: segments.length - params.length,
    sessionOnly: sessionOnly.has(operation.operationId),
    context: where('context'),
    namespace: where('namespace'),
    release: !aboutReleases ? null : params.includes('name') ? 'path' : operation.method === 'POST' && bodyKeys.has('name') ? 'body' : 'all',
  };
}

function pathParams(rule: OperationRule, path: string): Record<string, string> {
  const values = rule.pattern.exec(path)?.slice(1) ?? [];
  return Object.fromEntries(rule.params.map((name, index) => [name, decode(values[index] ?? '')]));
}

/** A string field of a query or body; anything else (missing, repeated, not text) names nothing. */
function named(source: unknown, key: string): string | undefined {
  const value = typeof source === 'object' && source !== null ? (source as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** The keys of an object schema, seen through refinements, defaults and optionality. */
function keysOf(schema: z.ZodTypeAny | undefined): Set<string> {
  let current = schema;
  while (current && !(current instanceof z.ZodObject)) {
    if (current instanceof z.ZodEffects) current = current.innerType() as z.ZodTypeAny;
    else if (current instanceof z.ZodOptional || current instanceof z.ZodDefault) current = current._def.innerType as z.ZodTypeAny;
    else current = undefined;
  }
  return new Set(current ? Object.keys(current.shape as object) : []);
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function escape(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
