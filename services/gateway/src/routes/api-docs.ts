import { createRequire } from 'node:module';
import swagger, { type StaticDocumentSpec } from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { openApiDocument } from '@platform/contracts';
import type { ServiceApp } from '@platform/service-kit';

export const ApiDocsPaths = { document: '/openapi.json', ui: '/docs' } as const;

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/** The OpenAPI document made from the contract's route table, and Swagger UI to read and try it. */
export async function registerApiDocs(app: ServiceApp, options: { sessionCookieName: string }): Promise<void> {
  const document = openApiDocument({ sessionCookieName: options.sessionCookieName, version });
  app.get(ApiDocsPaths.document, async () => document);
  // Our document type describes only what the generator writes; it is an OpenAPI 3.0 document.
  await app.register(swagger, { mode: 'static', specification: { document: document as unknown as StaticDocumentSpec['document'] } });
  await app.register(swaggerUi, { routePrefix: ApiDocsPaths.ui, uiConfig: { deepLinking: true, validatorUrl: null } });
}
