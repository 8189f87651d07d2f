import { ErrorMessage } from '@platform/contracts';
import { AppError } from '@platform/service-kit';
import { Redis } from 'ioredis';

/**
 * A Redis client that fails fast when Redis is away: commands are refused at once rather than queued,
 * so a request gets 503 within about a second instead of hanging until the client times out.
 */
export function createRedisClient(url: string, onError: (error: Error) => void): Redis {
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 1_000,
    commandTimeout: 1_000,
    // Keep trying to reconnect in the background, at most every two seconds.
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  client.on('error', onError);
  return client;
}

/** Runs a Redis command; any failure of Redis becomes 503 "session store unavailable". */
export async function redisCommand<T>(command: () => Promise<T>): Promise<T> {
  try {
    return await command();
  } catch (error) {
    throw AppError.unavailable(ErrorMessage.sessionStoreUnavailable, error);
  }
}

/** A MULTI resolves even when a command inside failed; such a failure is an error here. */
export function failOnCommandError(results: Array<[Error | null, unknown]> | null): void {
  const failed = results?.find(([error]) => error !== null);
  if (results === null || failed) throw failed?.[0] ?? new Error('transaction aborted');
}
