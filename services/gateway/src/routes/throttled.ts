import { ErrorCode } from '@platform/contracts';
import type { FastifyReply } from 'fastify';

/** 429 in the contract's shape, with the seconds until an attempt may succeed. */
export function replyThrottled(reply: FastifyReply, retryAfterSeconds: number, message: string): FastifyReply {
  return reply
    .code(429)
    .header('retry-after', String(retryAfterSeconds))
    .type('application/json; charset=utf-8')
    .send({ code: ErrorCode.TooManyRequests, errors: [message] });
}
