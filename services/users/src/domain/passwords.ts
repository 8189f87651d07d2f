import { createHash } from 'node:crypto';
import bcrypt from 'bcrypt';

/**
 * bcrypt over base64(SHA-256(password)): the pre-hash keeps every byte of long passwords significant
 * (bcrypt reads only 72) and contains no NUL bytes. bcrypt's async API runs on libuv's thread pool,
 * off the event loop.
 */
export class PasswordHasher {
  // Made at start-up, so the first unknown email does not take longer than a wrong password.
  private readonly dummyHash: Promise<string>;

  constructor(private readonly cost: number) {
    this.dummyHash = bcrypt.hash(preHash('no user has this password'), cost);
  }

  hash(password: string): Promise<string> {
    return bcrypt.hash(preHash(password), this.cost);
  }

  verify(password: string, hash: string): Promise<boolean> {
    return bcrypt.compare(preHash(password), hash);
  }

  /** Spends the time of one verification when there is no hash to check, so timing does not reveal which emails exist. */
  async verifyAgainstDummy(password: string): Promise<false> {
    await bcrypt.compare(preHash(password), await this.dummyHash);
    return false;
  }
}

function preHash(password: string): string {
  return createHash('sha256').update(password, 'utf8').digest('base64');
}
