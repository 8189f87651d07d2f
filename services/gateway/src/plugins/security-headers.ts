import type { ServiceApp } from '@platform/service-kit';
import helmet from 'helmet';

/**
 * helmet's headers on every answer. The API sends JSON only; the pages are the web console at / (scripts and
 * styles from its own files, nothing inline: its policy allows no inline style either) and Swagger UI at /docs,
 * which loads its scripts and styles from the gateway itself but sets inline styles, so only /docs allows them.
 * Nothing may frame the gateway.
 * No upgrade-insecure-requests: a plain-HTTP local run would lose /docs' assets (HSTS covers HTTPS deployments).
 * helmet's middlewares are built once here: @fastify/helmet builds one again for every request (parsing the
 * policy each time), about a sixth of the gateway's CPU time per proxied request (bench/README.md).
 */
export async function registerSecurityHeaders(app: ServiceApp, docsPrefix: string): Promise<void> {
  const headersWithStyles = (styleSrc: string[]) =>
    helmet({
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
          styleSrc,
        },
      },
      frameguard: { action: 'deny' },
    });
  const strict = headersWithStyles(["'self'"]);
  const forDocs = headersWithStyles(["'self'", "'unsafe-inline'"]);
  const isDocs = (url: string) => url === docsPrefix || url.startsWith(`${docsPrefix}/`) || url.startsWith(`${docsPrefix}?`);
  app.addHook('onRequest', (request, reply, done) => (isDocs(request.url) ? forDocs : strict)(request.raw, reply.raw, () => done()));
}
