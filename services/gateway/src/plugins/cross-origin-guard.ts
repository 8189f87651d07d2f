import { ErrorCode, ErrorMessage } from '@platform/contracts';
import { AppError, type ServiceApp } from '@platform/service-kit';
import { mayChangeState } from '../domain/request-origin.js';

/** Refuses state-changing requests from pages of other origins (403 in the contract's shape) before any work. */
export function registerCrossOriginGuard(app: ServiceApp, allowedOrigins: readonly string[]): void {
  app.addHook('onRequest', async (request) => {
    const { origin, referer } = request.headers;
    if (!mayChangeState({ method: request.method, origin, referer, host: request.host }, allowedOrigins)) {
      throw new AppError(403, ErrorCode.CrossOriginRefused, [ErrorMessage.crossOriginRefused]);
    }
  });
}
