import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance } from 'fastify';

interface RequestContext {
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/**
 * The id of the request being served, wherever in its handling the caller is; undefined outside a request.
 * Lets a call to another service carry the request id without every layer passing it down.
 */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

/** Opens the request's context once its id is final: every later hook and the handler run inside it. */
export function registerRequestContext(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => storage.run({ requestId: request.id }, done));
}
