import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RecordDecoder, ReleaseDecoder, RequestDecoder } from './release-decoder.js';

const decoders = new AsyncLocalStorage<RecordDecoder>();

/**
 * The decoder of the request being served (its share of the decoding budgets), wherever in the request the
 * release store is made; undefined outside a request. Carried like the kubeconfig floor, so routes and
 * actions need not pass it down.
 */
export function currentRequestDecoder(): RecordDecoder | undefined {
  return decoders.getStore();
}

/**
 * Opens each request's decoder, and releases it once the answer is sent or the client has gone: until then
 * the records it decoded are in memory and count against the replica's budget.
 */
export function registerRequestDecoding(app: FastifyInstance, decoder: ReleaseDecoder): void {
  const open = new WeakMap<FastifyRequest, RequestDecoder>();
  app.addHook('onRequest', (request, _reply, done) => {
    const decoding = decoder.forRequest();
    open.set(request, decoding);
    decoders.run(decoding, done);
  });
  const release = async (request: FastifyRequest) => open.get(request)?.release();
  app.addHook('onResponse', release);
  app.addHook('onRequestAbort', release);
}
