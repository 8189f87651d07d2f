import { AppError } from '@platform/service-kit';
import { ErrorCode, ErrorMessage } from '@platform/contracts';

/**
 * One operation per release in this process. A second one is refused at once (409/606) rather than queued:
 * the caller asked to change a release that is changing. Across replicas, the pending status and the
 * create-only revision records refuse it (see rollback and upgrade).
 */
export class ReleaseLocks {
  private readonly held = new Set<string>();

  async with<T>(key: string, operation: () => Promise<T>): Promise<T> {
    if (this.held.has(key)) throw new AppError(409, ErrorCode.OperationInProgress, [ErrorMessage.operationInProgress]);
    this.held.add(key);
    try {
      return await operation();
    } finally {
      this.held.delete(key);
    }
  }
}
