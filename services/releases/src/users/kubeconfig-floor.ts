import { AsyncLocalStorage } from 'node:async_hooks';
import { KubeconfigVersionHeader, parseKubeconfigVersionHeader } from '@platform/contracts';
import type { FastifyInstance } from 'fastify';

const floors = new AsyncLocalStorage<number | undefined>();

/**
 * The kubeconfig version the request's caller may not be served below (the gateway's floor, see
 * KubeconfigVersionHeader), wherever in the request the client lookup happens; undefined outside a
 * request or without the header. Carried like the request id, so routes and actions need not pass it down.
 */
export function currentKubeconfigFloor(): number | undefined {
  return floors.getStore();
}

/** Opens each request's floor: every later hook and the handler run inside it. */
export function registerKubeconfigFloor(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => floors.run(parseKubeconfigVersionHeader(request.headers[KubeconfigVersionHeader.minimum]), done));
}
