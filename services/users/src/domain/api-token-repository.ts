import type { ApiTokenScope } from '@platform/contracts';

/** A token as stored: its SHA-256, never the token. */
export interface StoredApiToken {
  id: string;
  userId: number;
  name: string;
  /** Hex SHA-256 of the whole token string. */
  hash: string;
  scope: ApiTokenScope;
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
}

/** Where API tokens live, apart from the user documents (a lookup by id reads one small document). */
export interface ApiTokenRepository {
  insert(token: StoredApiToken): Promise<void>;
  findById(id: string): Promise<StoredApiToken | null>;
  /** The user's tokens, oldest first. */
  listOfUser(userId: number): Promise<StoredApiToken[]>;
  /** Whether a token of this user was deleted (false: none had that id). */
  delete(userId: number, id: string): Promise<boolean>;
  deleteAllOfUser(userId: number): Promise<void>;
  deleteExpiredOfUser(userId: number, now: Date): Promise<void>;
  /** Sets lastUsedAt to `at` unless it is already `notBefore` or later (one write a minute, not one a request). */
  markUsed(id: string, at: Date, notBefore: Date): Promise<void>;
}
