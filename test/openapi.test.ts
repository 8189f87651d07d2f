import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import SwaggerParser from '@apidevtools/swagger-parser';
import { ApiOperations, openApiDocument, type OpenApiDocument } from '@platform/contracts';
import { redisUrl } from '@platform/test-support';
import type { FastifyInstance } from 'fastify';
import { buildApp as buildGateway, createRedisClient, GatewayConfig } from '@platform/gateway';
import { buildApp as buildReleases, ReleasesConfig } from '@platform/releases';
import { buildApp as buildUsers, type ApiTokens, type AuditStore, type ChartRepositoryService, type UserService } from '@platform/users';
import { openApiPath, servedRoutes, type ServedRoute } from './support/routes.js';

/**
 * The gateway's OpenAPI document against the real route tables: the gateway's own routes, and the routes of
 * the services behind its proxy prefixes. Built apps only (nothing listens); no request is served.
 */
const document = openApiDocument({ sessionCookieName: 'porter_session', version: '0.0.0' });
const documented = new Set(
  Object.entries(document.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`)),
);
const key = (route: ServedRoute) => `${route.method} ${openApiPath(route.path)}`;

/** Paths of the gateway that are not the API: health, metrics, the document itself, and the web console's files and pages. */
const operationalPaths = [/^\/livez$/, /^\/readyz$/, /^\/metrics$/, /^\/openapi\.json$/, /^\/docs(\/.*)?$/, /^\/(\*|index\.html|favicon\.svg|assets\/[^/]+)?$/];

describe('the OpenAPI document', () => {
  test('is a valid OpenAPI 3.0 document', async () => {
    const validated = (await SwaggerParser.validate(structuredClone(document) as never)) as unknown as OpenApiDocument;
    assert.equal(validated.openapi, '3.0.3');
  });

  test('names every operation of the API, each once, with its path parameters', () => {
    const expected = [
      'POST /api/users',
      'POST /api/login',
      'POST /api/logout',
      'GET /api/auth/check',
      'GET /api/users/{id}',
      'PUT /api/users/{id}',
      'DELETE /api/users/{id}',
      'GET /api/users/{id}/contexts',
      'GET /api/releases',
      'GET /api/releases/{name}/history',
      'GET /api/releases/{name}/{revision}',
      'GET /api/releases/{name}/diff',
      'GET /api/releases/{name}/{revision}/manifest',
      'GET /api/releases/{name}/{revision}/values',
      'GET /api/releases/{name}/{revision}/notes',
      'GET /api/releases/{name}/resources',
      'GET /api/releases/{name}/drift',
      'POST /api/releases/{name}/rollback',
      'POST /api/releases/{name}/upgrade',
      'POST /api/releases',
      'DELETE /api/releases/{name}',
      'GET /api/charts/versions',
      'GET /api/charts/show',
      'GET /api/k8s/namespaces',
      'POST /api/tokens',
      'GET /api/tokens',
      'DELETE /api/tokens/{id}',
      'GET /api/repositories',
      'POST /api/repositories',
      'DELETE /api/repositories/{name}',
      'GET /api/repositories/search',
      'GET /api/audit',
      'GET /api/releases/{name}/audit',
    ];
    assert.deepEqual([...documented].sort(), [...expected].sort());
    assert.equal(new Set(ApiOperations.map((operation) => operation.operationId)).size, ApiOperations.length);
    for (const [path, operations] of Object.entries(document.paths)) {
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      for (const operation of Object.values(operations)) {
        const parameters = (operation.parameters as Array<{ name: string; in: string; required: boolean }>).filter((p) => p.in === 'path');
        assert.deepEqual(
          parameters.map((parameter) => parameter.name),
          templated,
          path,
        );
        assert.ok(
          parameters.every((parameter) => parameter.required),
          path,
        );
      }
    }
  });

  test('upgrade and rollback: an empty 200, and the plan named for dryRun (x-when) so no fuzzer expects a body', () => {
    for (const path of ['/api/releases/{name}/upgrade', '/api/releases/{name}/rollback']) {
      const ok = (document.paths[path]!.post!.responses as Record<string, Record<string, unknown>>)['200']!;
      assert.equal(ok.content, undefined, path);
      assert.deepEqual(ok['x-when'], {
        condition: 'dryRun is true',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/ReleasePlan' } } },
      });
    }
    assert.ok(document.components.schemas.ReleasePlan);
  });

  test("install: 200 is only a dry run's answer, so it is the plan itself; 201 the release", () => {
    const responses = document.paths['/api/releases']!.post!.responses as Record<string, { content?: Record<string, { schema: unknown }> }>;
    assert.deepEqual(responses['200']!.content, { 'application/json': { schema: { $ref: '#/components/schemas/ReleasePlan' } } });
    assert.deepEqual(responses['201']!.content, { 'application/json': { schema: { $ref: '#/components/schemas/Release' } } });
  });

  test('documents the session cookie and API tokens, and which operations need neither', () => {
    assert.deepEqual(document.components.securitySchemes.session, {
      type: 'apiKey',
      in: 'cookie',
      name: 'porter_session',
      description: 'Set by POST /api/login or POST /api/users.',
    });
    assert.equal((document.components.securitySchemes.token as { scheme?: string }).scheme, 'bearer');
    assert.deepEqual(document.security, [{ session: [] }, { token: [] }]);
    const open = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(([, operation]) => Array.isArray(operation.security) && operation.security.length === 0)
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    assert.deepEqual(open.sort(), ['POST /api/login', 'POST /api/users']);
  });

  test("documents the error answers in the contract's shape, and the plain-text 403", () => {
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const responses = operation.responses as Record<string, { content?: Record<string, { schema: unknown }> }>;
        for (const status of ['500', '503']) {
          assert.deepEqual(responses[status]?.content?.['application/json']?.schema, { $ref: '#/components/schemas/ErrorBody' }, `${method} ${path} ${status}`);
        }
        if (path !== '/api/users' && path !== '/api/login') {
          assert.deepEqual(responses['403']?.content?.['text/plain']?.schema, { type: 'string', enum: ['Forbidden'] }, `${method} ${path}`);
          // An API token's refusals: 401 when it is not live, JSON 403/612 naming the scope it lacks.
          for (const status of ['401', '403']) {
            assert.deepEqual(
              responses[status]?.content?.['application/json']?.schema,
              { $ref: '#/components/schemas/ErrorBody' },
              `${method} ${path} ${status}`,
            );
          }
        }
      }
    }
    assert.deepEqual(document.components.schemas.ErrorBody, {
      type: 'object',
      properties: { code: { type: 'integer' }, errors: { type: 'array', items: { type: 'string' } } },
      required: ['code', 'errors'],
      additionalProperties: false,
    });
  });
});

describe('every route the gateway serves or proxies is in the document', () => {
  const apps: FastifyInstance[] = [];
  let gateway: ServedRoute[];
  let services: ServedRoute[];
  const secret = randomBytes(32).toString('hex');

  before(async () => {
    const redis = createRedisClient(await redisUrl(), () => {});
    const gatewayApp = await buildGateway(
      { redis, events: { subscribeUserEvents: () => {} }, audit: { record: () => Promise.reject(new Error('no audit in a route table')) } },
      GatewayConfig.parse({ REDIS_URL: await redisUrl(), NATS_URL: 'nats://127.0.0.1:1', INTERNAL_SIGNING_SECRET: secret, LOG_LEVEL: 'silent' }),
    );
    gatewayApp.addHook('onClose', async () => redis.disconnect());
    // The services' route tables need no working dependency: nothing is called while routes are registered.
    const usersApp = await buildUsers(
      {
        users: {} as UserService,
        tokens: {} as ApiTokens,
        repositories: {} as ChartRepositoryService,
        audit: {} as AuditStore,
        auditEvents: { record: () => Promise.reject(new Error('no audit in a route table')) },
        readiness: {},
      },
      { INTERNAL_SIGNING_SECRET: secret, LOG_LEVEL: 'silent' },
    );
    const { app: releasesApp } = buildReleases(
      {
        audit: { record: () => Promise.reject(new Error('no audit in a route table')) },
        kubeconfigs: {
          version: async () => {
            throw new Error('unused');
          },
          kubeconfig: async () => {
            throw new Error('unused');
          },
        },
      },
      ReleasesConfig.parse({ INTERNAL_SIGNING_SECRET: secret, NATS_URL: 'nats://127.0.0.1:1', LOG_LEVEL: 'silent' }),
    );
    apps.push(gatewayApp, usersApp, releasesApp);
    await Promise.all(apps.map((app) => app.ready()));
    gateway = servedRoutes(gatewayApp);
    services = [...servedRoutes(usersApp), ...servedRoutes(releasesApp)];
  });
  after(async () => {
    await Promise.all(apps.map((app) => app.close()));
  });

  const withoutSlash = (path: string) => (path.length > 1 ? path.replace(/\/$/, '') : path);
  /** The gateway's proxy routes: its wildcards under /api, and the prefix roots that a service also serves. */
  const isProxyRoute = (route: ServedRoute) =>
    route.path.startsWith('/api/') && (route.path.endsWith('*') || services.some((service) => service.path === withoutSlash(route.path)));
  /** Whether a service route is reachable through one of the gateway's proxy routes. */
  const proxied = (route: ServedRoute) =>
    gateway
      .filter(isProxyRoute)
      .some(
        (proxy) =>
          proxy.method === route.method &&
          (proxy.path.endsWith('*') ? route.path.startsWith(proxy.path.slice(0, -1)) : withoutSlash(proxy.path) === route.path),
      );

  test('the gateway serves only the API, health, metrics, the document and the console', () => {
    const strays = gateway.filter((route) => !route.path.startsWith('/api/') && !operationalPaths.some((pattern) => pattern.test(route.path)));
    assert.deepEqual(strays, []);
  });

  test("the gateway's own API routes are documented", () => {
    const own = gateway.filter((route) => route.path.startsWith('/api/') && !isProxyRoute(route));
    assert.ok(own.length >= 3, 'sign-up, login and logout');
    for (const route of own) assert.ok(documented.has(key(route)), `${key(route)} is served by the gateway but not documented`);
  });

  test('every service route the gateway proxies is documented, and none that it does not', () => {
    const reachable = services.filter(proxied);
    assert.ok(reachable.length >= 9, `only ${reachable.length} proxied routes found`);
    for (const route of reachable) assert.ok(documented.has(key(route)), `${key(route)} is proxied but not documented`);
    for (const route of services.filter((service) => service.path.startsWith('/internal/'))) {
      assert.ok(!proxied(route), `${key(route)} must never be proxied`);
      assert.ok(!documented.has(key(route)), `${key(route)} is internal`);
    }
  });

  test('every documented operation is served: by the gateway itself or by a service behind its proxy', () => {
    const served = new Set([...gateway.filter((route) => route.path.startsWith('/api/') && !isProxyRoute(route)), ...services.filter(proxied)].map(key));
    for (const operation of documented) assert.ok(served.has(operation), `${operation} is documented but nothing serves it`);
  });
});
