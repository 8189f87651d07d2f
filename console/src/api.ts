import { createApiClient, failureOf, type ApiFailure } from '@platform/api-client';
import { describeFailure } from './error-words.js';

/** The one client of the console: same origin as the gateway, so the session cookie rides along. */
export const api = createApiClient();

/** A failed call, with its message already in the user's words. */
export class ConsoleError extends Error {
  constructor(readonly failure: ApiFailure) {
    super(describeFailure(failure));
    this.name = 'ConsoleError';
  }
}

const sessionLostListeners = new Set<() => void>();

/** Called when any call answers the plain-text 403 of a missing session (it expired, or was ended elsewhere). */
export function onSessionLost(listener: () => void): () => void {
  sessionLostListeners.add(listener);
  return () => sessionLostListeners.delete(listener);
}

interface CallResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The data of a call, or a ConsoleError; a lost session is announced to the session holder. */
export async function unwrap<T>(pending: Promise<CallResult<T>>): Promise<T> {
  let result: CallResult<T>;
  try {
    result = await pending;
  } catch {
    throw new ConsoleError({ status: 0, code: null, errors: [] });
  }
  if (result.response.ok) return result.data as T;
  const failure = failureOf(result.response, result.error);
  if (failure.status === 403 && failure.code === null) for (const listener of sessionLostListeners) listener();
  throw new ConsoleError(failure);
}

/** The message to show for anything a handler caught. */
export function messageOf(error: unknown): string {
  return error instanceof ConsoleError ? error.message : 'Something went wrong in the console. Reload the page and try again.';
}
