import type { FastifyInstance } from 'fastify';

export interface ServedRoute {
  method: string;
  /** As registered: `/api/users/:id`, `/api/k8s/*`. */
  path: string;
}

/**
 * Every route an app serves (HEAD and OPTIONS aside), read from fastify's printRoutes() tree: each line is a
 * node whose path continues its parent's. Every route read is checked with hasRoute, so a misread fails loudly.
 */
export function servedRoutes(app: FastifyInstance): ServedRoute[] {
  const routes: ServedRoute[] = [];
  const prefixes: string[] = [];
  for (const line of app.printRoutes().split('\n')) {
    const node = /^((?:[│ ] {3})*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!node) continue;
    const depth = node[1]!.length / 4;
    prefixes.length = depth;
    const path = (prefixes[depth - 1] ?? '') + node[2]!;
    prefixes[depth] = path;
    for (const method of node[3]?.split(', ') ?? []) {
      if (method === 'HEAD' || method === 'OPTIONS') continue;
      if (!app.hasRoute({ method, url: path })) throw new Error(`misread route ${method} ${path}`);
      routes.push({ method, path });
    }
  }
  if (routes.length === 0) throw new Error('no routes read from printRoutes()');
  return routes;
}

/** `/api/users/:id` → `/api/users/{id}`, as OpenAPI writes path templates. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}
