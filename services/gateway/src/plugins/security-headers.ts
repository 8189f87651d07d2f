import helmet from '@fastify/helmet';
import type { ServiceApp } from '@platform/service-kit';

/**
 * helmet's headers on every answer. The API sends JSON only; the one page is Swagger UI at /docs, which
 * loads its scripts and styles from the gateway itself and sets inline styles. Nothing may frame the gateway.
 * No upgrade-insecure-requests: a plain-HTTP local run would lose /docs' assets (HSTS covers HTTPS deployments).
 */
export async function registerSecurityHeaders(app: ServiceApp): Promise<void> {
  await app.register(helmet, {
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
}
