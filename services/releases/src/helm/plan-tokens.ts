import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '@platform/service-kit';
import { ErrorCode, ErrorMessage } from '@platform/contracts';

/** What a plan token stands for: one operation on one release, from one latest revision (0: none), with one input. */
export interface PlanBinding {
  operation: 'install' | 'upgrade' | 'rollback';
  /** The storage and where it lives (cluster origin or memory scope), as the release lock names it. */
  location: string;
  namespace: string;
  name: string;
  latestRevision: number;
  /** The operation's input exactly as sent (the values text, the target revision; for an install, see installBinding). */
  input: string;
}

const tokenPrefix = 'p1.';

/** Told the outcome of every token check. */
export type PlanTokenObserver = (result: 'accepted' | 'refused') => void;

/**
 * Signs and checks plan tokens: an HMAC over the binding, under a key derived from the service's secret
 * (never the secret itself, so a plan token can never pass as a signed identity). Opaque to clients.
 */
export class PlanTokens {
  private readonly key: Buffer;

  constructor(
    secret: string,
    private readonly observe: PlanTokenObserver = () => {},
  ) {
    this.key = createHmac('sha256', secret).update('release plan token v1').digest();
  }

  sign(binding: PlanBinding): string {
    return tokenPrefix + this.mac(binding).toString('base64url');
  }

  /** 409/609 unless `token` was signed for exactly this binding. */
  verify(binding: PlanBinding, token: string): void {
    const expected = this.mac(binding);
    const given = token.startsWith(tokenPrefix) ? Buffer.from(token.slice(tokenPrefix.length), 'base64url') : Buffer.alloc(0);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      this.observe('refused');
      throw new AppError(409, ErrorCode.PlanStale, [ErrorMessage.planStale]);
    }
    this.observe('accepted');
  }

  private mac(binding: PlanBinding): Buffer {
    const input = createHash('sha256').update(binding.input).digest('hex');
    const fields = [binding.operation, binding.location, binding.namespace, binding.name, String(binding.latestRevision), input];
    return createHmac('sha256', this.key).update(JSON.stringify(fields)).digest();
  }
}
