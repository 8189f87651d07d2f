import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { ServiceApp } from '@platform/service-kit';

export const ConsolePaths = { page: '/', fallback: '/*', assets: '/assets/' } as const;

/**
 * The web console (console/, built by Vite into `dir`): its files, and its page for any other GET that a
 * browser navigates to (`/releases/...` are the console's own paths). /api keeps answering JSON 404s, and a
 * request that does not ask for HTML gets the usual 404 too. Built file names carry a content hash, so they
 * are cached for good; the page itself is revalidated on every load. Without a build nothing is served here.
 */
export async function registerConsole(app: ServiceApp, dir: string): Promise<void> {
  if (dir === '' || !existsSync(join(dir, 'index.html'))) {
    app.log.info({ dir }, 'no console build: the web console is not served');
    return;
  }
  await app.register(async (scope) => {
    await scope.register(fastifyStatic, {
      root: dir,
      prefix: '/',
      wildcard: false,
      index: false,
      cacheControl: false,
      setHeaders: (response, path) => {
        const hashed = path.startsWith(join(dir, 'assets'));
        response.setHeader('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
    const page = (reply: { sendFile(name: string): unknown }) => reply.sendFile('index.html');
    scope.get(ConsolePaths.page, async (_request, reply) => page(reply));
    scope.get(ConsolePaths.fallback, async (request, reply) => {
      const wantsPage = !request.url.startsWith('/api/') && /\btext\/html\b/.test(request.headers.accept ?? '');
      if (!wantsPage) return reply.callNotFound();
      return page(reply);
    });
  });
}
