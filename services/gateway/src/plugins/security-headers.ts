import type { ServiceApp } from '@platform/service-kit';
import helmet from 'helmet';

/**
 * helmet's headers on every answer. The API sends JSON only; the pages are the web console at / (scripts and
 * styles from its own files, nothing inline) and Swagger UI at /docs, which loads its scripts and styles from
 * the gateway itself and sets inline styles. Nothing may frame the gateway.
 * No upgrade-insecure-requests: a plain-HTTP local run would lose /docs' assets (HSTS covers HTTPS deployments).
 * helmet's middleware is built once here: @fastify/helmet builds it again for every request (parsing the
 * policy each time), about a sixth of the gateway's CPU time per proxied request (bench/README.md).
 */
export async function registerSecurityHeaders(app: ServiceApp): Promise<void> {
  const setSecurityHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        imgSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
      },
    },
    frameguard: { action: 'deny' },
  });
  app.addHook('onRequest', (request, reply, done) => setSecurityHeaders(request.raw, reply.raw, () => done()));
}
