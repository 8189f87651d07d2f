import { randomUUID } from 'node:crypto';
import { IdentityHeader } from '@platform/contracts';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { registerErrorHandler, renderFrameworkError } from './error-handler.js';
import { loggerOptions } from './logger.js';
import { registerMetrics } from './metrics.js';
import { registerRequestContext } from './request-context.js';

export interface ServiceAppOptions {
  service: string;
  /** pino level; `silent` in tests that do not read logs. */
  logLevel: string;
  /** Largest request body in bytes. */
  bodyLimit?: number;
  /**
   * Whether to keep the `x-request-id` a caller sent (default true: services keep the gateway's id).
   * The gateway sets it false, so every request id is made there and clients cannot choose it.
   */
  trustRequestIdHeader?: boolean;
  /**
   * Proxies whose `X-Forwarded-For` is believed, so `request.ip` is the client's (fastify's `trustProxy`:
   * a hop count or addresses/CIDRs). Default: none, `request.ip` is the peer's address.
   */
  trustProxy?: number | string[];
  /**
   * Whether calls to other services find the request id by themselves (`currentRequestId`, default true).
   * The gateway passes every request id explicitly and turns it off: on Node 20 the AsyncLocalStorage
   * behind it runs a hook for every promise the process creates, dozens per proxied request.
   */
  requestContext?: boolean;
}

export type ServiceApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

const requestIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

/** Apps that received SIGTERM or SIGINT (see listenWithGracefulShutdown). */
const stoppingApps = new WeakSet<FastifyInstance>();

/**
 * A fastify instance as every service wants it: zod schemas for validation and serialization, pino logs
 * with the request id the gateway made, the contract's error rendering, and Prometheus metrics.
 */
export function createServiceApp(options: ServiceAppOptions): ServiceApp {
  const app = Fastify({
    logger: loggerOptions(options.service, options.logLevel),
    bodyLimit: options.bodyLimit ?? 2 * 1024 * 1024,
    requestIdHeader: options.trustRequestIdHeader === false ? false : IdentityHeader.requestId,
    genReqId: () => randomUUID(),
    trustProxy: trustProxyOption(options.trustProxy),
    // While closing, a request that still arrives on an open keep-alive connection is served (with
    // `Connection: close`) rather than refused with fastify's own 503, which is not in the contract's shape
    // and which a caller cannot tell from a failure; new connections are refused once the listener closed.
    return503OnClosing: false,
    frameworkErrors: renderFrameworkError,
  }).withTypeProvider<ZodTypeProvider>();
  // A request id from outside is kept only when it is short and plain (it ends up in every log line).
  app.addHook('onRequest', async (request) => {
    if (!requestIdPattern.test(request.id)) (request as { id: string }).id = randomUUID();
  });
  if (options.requestContext !== false) registerRequestContext(app);
  // Once told to stop, every answer closes its connection, so no client sends another request on it that
  // the closing server would have to refuse.
  app.addHook('onSend', async (_request, reply) => {
    if (stoppingApps.has(app)) reply.header('connection', 'close');
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);
  registerMetrics(app);
  return app;
}

/** fastify trusts the `count` nearest hops for a number; its types only take the equivalent function. */
function trustProxyOption(trusted: ServiceAppOptions['trustProxy']): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trusted === 'number') return (_address, hop) => hop < trusted;
  return trusted ?? false;
}

export interface ListenOptions {
  host: string;
  port: number;
  /** Closed after the server stops taking requests and finished those in flight. */
  onClose?: () => Promise<void>;
  /** Longest wait for in-flight requests. */
  graceMs?: number;
}

/** Listens, and on SIGTERM or SIGINT stops taking requests, finishes those in flight, then closes adapters. */
export async function listenWithGracefulShutdown(app: FastifyInstance, options: ListenOptions): Promise<void> {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    stoppingApps.add(app);
    app.log.info({ signal }, 'shutting down');
    const forced = setTimeout(() => {
      app.log.error('graceful shutdown took too long; exiting');
      process.exit(1);
    }, options.graceMs ?? 15_000);
    forced.unref();
    try {
      await app.close();
      await options.onClose?.();
      process.exit(0);
    } catch (error) {
      app.log.error({ err: error }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  await app.listen({ host: options.host, port: options.port });
}
