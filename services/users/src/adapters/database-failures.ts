/** Database failures in the contract's terms, shared by the repositories of this service. */
import { ErrorMessage } from '@platform/contracts';
import { AppError } from '@platform/service-kit';

export async function read<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw databaseFailure(error, AppError.dataRead);
  }
}

export async function write<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw databaseFailure(error, AppError.dataWrite);
  }
}

/**
 * A database the driver cannot reach (no server to select, a dropped or closed connection) is 503 "database
 * unavailable", which a client may retry; any other failure is the contract's 500 of a failed read or write.
 */
export function databaseFailure(error: unknown, otherwise: (cause: unknown) => AppError): AppError {
  const unreachable = error instanceof Error && /^Mongo(ose)?(ServerSelection|Network|NetworkTimeout|NotConnected|TopologyClosed)Error$/.test(error.name);
  return unreachable ? AppError.unavailable(ErrorMessage.databaseUnavailable, error) : otherwise(error);
}

/** MongoDB's duplicate key error: a unique index (an `_id` among them) refused the write. */
export function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 11000;
}
