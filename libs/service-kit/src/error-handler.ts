import { ErrorCode, ErrorMessage, validationErrorReply, type ErrorBody } from '@platform/contracts';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, ForbiddenError } from './errors.js';

/**
 * One place renders every failure in the contract's `{code, errors}` shape. Unknown errors become the
 * generic 500 body; their cause goes to the log, never to the client.
 */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setNotFoundHandler((_request, reply) => sendError(reply, 404, { code: ErrorCode.NotFound, errors: [ErrorMessage.notFound] }));

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ForbiddenError) {
      return reply.code(403).type('text/plain; charset=utf-8').send(ErrorMessage.forbidden);
    }
    if (error instanceof AppError) {
      if (error.status >= 500) request.log.error({ err: error.cause ?? error }, error.message);
      return sendError(reply.headers(error.headers), error.status, error.body);
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const { status, body } = validationErrorReply(error.validation.map((entry) => entry.params.issue));
      return sendError(reply, status, body);
    }
    // A body, or a multipart form's file part, over its limit.
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.code === 'FST_REQ_FILE_TOO_LARGE') {
      return sendError(reply, 413, { code: ErrorCode.BadRequest, errors: [ErrorMessage.bodyTooLarge] });
    }
    // Fastify's own client errors: malformed JSON, wrong content type, bad URL encoding and the like; and a
    // multipart form that cannot be parsed (no boundary, a truncated part: the parser's errors carry no status).
    if ((typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) || unparsableForm(request, error)) {
      return sendError(reply, 400, { code: ErrorCode.BadRequest, errors: [ErrorMessage.couldNotProcess] });
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendError(reply, 500, { code: ErrorCode.Internal, errors: [ErrorMessage.internal] });
  });
}

/**
 * Fastify's `frameworkErrors`: URLs its router refuses before any route or error handler runs (broken
 * percent-encoding, a path parameter over its length limit). Without it they get fastify's own body.
 */
export function renderFrameworkError(_error: FastifyError, _request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendError(reply, 400, { code: ErrorCode.BadRequest, errors: [ErrorMessage.couldNotProcess] });
}

/** The form parser failed: a multipart request whose body never became one. A handler's own failure stays a 500. */
function unparsableForm(request: FastifyRequest, error: FastifyError): boolean {
  return error.statusCode === undefined && request.body == null && /^multipart\//i.test(request.headers['content-type'] ?? '');
}

function sendError(reply: FastifyReply, status: number, body: ErrorBody): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}
