import { z } from 'zod';
import { zodToJsonSchema } from 'zod-to-json-schema';
import { ErrorBody } from './errors.js';
import { NamespaceList } from './http/k8s.js';
import { ReleasePlan } from './http/plan.js';
import { Release, RollbackBody, UpgradeBody } from './http/releases.js';
import { ApiOperations, type ApiOperation, type ApiReply } from './http/routes.js';
import { ApiToken, CreateApiTokenBody, CreatedApiToken } from './http/tokens.js';
import { CreateUserBody, DeleteUserBody, KubeContext, UpdateUserBody, User } from './http/users.js';

/** A JSON Schema object as OpenAPI 3.0 reads it. */
export type JsonSchema = Record<string, unknown>;

/** The parts of an OpenAPI 3.0 document this generator writes. */
export interface OpenApiDocument {
  openapi: '3.0.3';
  info: { title: string; version: string; description: string };
  tags: Array<{ name: string; description: string }>;
  security: Array<Record<string, string[]>>;
  paths: Record<string, Record<string, JsonSchema>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, JsonSchema> };
}

export interface OpenApiOptions {
  /** The gateway's SESSION_COOKIE_NAME. */
  sessionCookieName: string;
  version: string;
}

/** Shapes shown by name (components) rather than inline. */
const namedSchemas = new Map<z.ZodTypeAny, string>([
  [ErrorBody, 'ErrorBody'],
  [User, 'User'],
  [KubeContext, 'KubeContext'],
  [Release, 'Release'],
  [NamespaceList, 'NamespaceList'],
  [CreateUserBody, 'Credentials'],
  [UpdateUserBody, 'UpdateUserBody'],
  [DeleteUserBody, 'DeleteUserBody'],
  [RollbackBody, 'RollbackBody'],
  [UpgradeBody, 'UpgradeBody'],
  [ReleasePlan, 'ReleasePlan'],
  [ApiToken, 'ApiToken'],
  [CreatedApiToken, 'CreatedApiToken'],
  [CreateApiTokenBody, 'CreateApiTokenBody'],
]);

/**
 * Requests are described as the services read them (transforms and preprocessing by their input, unknown
 * keys ignored, so allowed); responses as they are written (objects without passthrough have exactly their keys).
 */
type Direction = 'request' | 'response';

const tagDescriptions: Record<ApiOperation['tag'], string> = {
  auth: 'Sign-up, login and logout: the gateway owns the session cookie.',
  users: 'The logged-in user, their kubeconfig and allowed contexts.',
  tokens: 'Personal API tokens for scripts and CI: `Authorization: Bearer prt_…` instead of the session cookie, within a scope.',
  releases: "Helm releases in an allowed context's cluster.",
  k8s: "Kubernetes objects in an allowed context's cluster.",
  repositories: "The user's chart repositories (credentials stored encrypted) and a search of their charts.",
  audit: "The logged-in user's audit events: every state-changing operation they made, as CloudEvents.",
};

/** The OpenAPI 3.0 document of every public operation, made from the contract's schemas. */
export function openApiDocument(options: OpenApiOptions): OpenApiDocument {
  const components: Record<string, JsonSchema> = {};
  const schemaOf = (schema: z.ZodTypeAny, direction: Direction): JsonSchema => {
    const name = namedSchemas.get(schema);
    if (name) {
      components[name] ??= convert(schema, direction);
      return { $ref: `#/components/schemas/${name}` };
    }
    const element = schema instanceof z.ZodArray ? (schema.element as z.ZodTypeAny) : undefined;
    if (element && namedSchemas.has(element)) {
      return { type: 'array', items: schemaOf(element, direction) };
    }
    return convert(schema, direction);
  };

  const paths: OpenApiDocument['paths'] = {};
  for (const operation of ApiOperations) {
    paths[operation.path] ??= {};
    paths[operation.path]![operation.method.toLowerCase()] = {
      operationId: operation.operationId,
      summary: operation.summary,
      tags: [operation.tag],
      ...(operation.session ? {} : { security: [] }),
      parameters: [...parametersOf(operation.params, 'path', schemaOf), ...parametersOf(operation.query, 'query', schemaOf)],
      ...(operation.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(operation.body, 'request') }, ...formOf(operation) } } }
        : {}),
      responses: Object.fromEntries(
        Object.entries(operation.responses)
          .sort(([a], [b]) => Number(a) - Number(b))
          .map(([status, reply]) => [status, responseOf(reply, schemaOf)]),
      ),
    };
  }

  return {
    openapi: '3.0.3',
    info: {
      title: 'Helm release platform',
      version: options.version,
      description:
        'Store a kubeconfig, then list, inspect, upgrade and roll back Helm releases. Errors are `{code, errors}` ' +
        '(601 validation, 602 not found, 603-611 cluster and release failures, 612 an API token lacks a scope), except the plain-text 403 `Forbidden`.',
    },
    tags: Object.entries(tagDescriptions).map(([name, description]) => ({ name, description })),
    // Either credential: the session cookie, or an API token where its scope allows (403/612 otherwise).
    security: [{ session: [] }, { token: [] }],
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: options.sessionCookieName,
          description: 'Set by POST /api/login or POST /api/users.',
        },
        token: {
          type: 'http',
          scheme: 'bearer',
          description:
            'A personal API token from POST /api/tokens (`prt_…`). A bearer value without that prefix is ignored, so a session cookie sent with one still counts.',
        },
      },
    },
  };
}

type SchemaOf = (schema: z.ZodTypeAny, direction: Direction) => JsonSchema;

function parametersOf(shape: z.AnyZodObject | undefined, location: 'path' | 'query', schemaOf: SchemaOf): JsonSchema[] {
  if (!shape) return [];
  return Object.entries(shape.shape as Record<string, z.ZodTypeAny>).map(([name, schema]) => {
    const required = location === 'path' || !schema.isOptional();
    // An optional query parameter is simply left out; its schema is the value's.
    const value = schema instanceof z.ZodOptional ? (schema.unwrap() as z.ZodTypeAny) : schema;
    const converted = schemaOf(value, 'request');
    return { name, in: location, required, schema: converted, ...(converted.type === 'array' ? { style: 'form', explode: true } : {}) };
  });
}

/** The multipart/form-data alternative of a body: its text fields as converted, each file part a binary string. */
function formOf(operation: ApiOperation): Record<string, JsonSchema> {
  if (!operation.form) return {};
  const fields = convert(operation.form.fields, 'request') as { properties?: JsonSchema; required?: string[] };
  const files = Object.fromEntries(operation.form.files.map((name) => [name, { type: 'string', format: 'binary' }]));
  const schema = { ...fields, properties: { ...fields.properties, ...files }, required: [...(fields.required ?? []), ...operation.form.files] };
  return { 'multipart/form-data': { schema } };
}

function responseOf(reply: ApiReply, schemaOf: SchemaOf): JsonSchema {
  const content: Record<string, JsonSchema> = {};
  if (reply.json) content['application/json'] = { schema: schemaOf(reply.json, 'response') };
  if (reply.text) content['text/plain'] = { schema: { type: 'string', enum: [...reply.text] } };
  const headers = Object.entries(reply.headers ?? {}).map(([name, description]) => [name, { description, schema: { type: 'string' } }]);
  const when = reply.jsonWhen
    ? { 'x-when': { condition: reply.jsonWhen.condition, content: { 'application/json': { schema: schemaOf(reply.jsonWhen.json, 'response') } } } }
    : {};
  return {
    description: reply.description,
    ...(headers.length > 0 ? { headers: Object.fromEntries(headers) } : {}),
    ...(Object.keys(content).length > 0 ? { content } : {}),
    ...when,
  };
}

function convert(schema: z.ZodTypeAny, direction: Direction): JsonSchema {
  // zod-to-json-schema types its argument with zod/v3's declarations, which see our zod 3 schemas as `any`.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-argument
  const converted = zodToJsonSchema(schema, {
    target: 'openApi3',
    $refStrategy: 'none',
    effectStrategy: 'input',
    // zod's own email rule, so generated examples are emails the services accept.
    emailStrategy: 'pattern:zod',
    removeAdditionalStrategy: direction === 'request' ? 'strict' : 'passthrough',
  }) as JsonSchema;
  delete converted.$schema;
  return converted;
}
