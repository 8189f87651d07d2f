import type { AuditEvent, UserEventType } from '@platform/contracts';
import type { EncryptedKubeconfig } from './kubeconfig-cipher.js';

/** An event waiting in the user's outbox until the relay has published it. */
export interface PendingEvent {
  type: UserEventType;
  kubeconfigVersion: number;
  occurredAt: string;
}

/** A live (not deleted) user as stored. */
export interface StoredUser {
  id: number;
  email: string;
  passwordHash: string;
  kubeconfig: EncryptedKubeconfig | null;
  allowedContexts: string[];
  kubeconfigVersion: number;
}

export interface KubeconfigChange {
  /** Absent keeps the stored kubeconfig. */
  kubeconfig?: EncryptedKubeconfig;
  allowedContexts: string[];
}

export interface UserOutbox {
  userId: number;
  events: PendingEvent[];
}

/** An audit event waiting in a user's document, as stored (the text is its identity for removal). */
export interface PendingUserAudit {
  userId: number;
  event: AuditEvent;
  stored: string;
}

export class EmailTakenError extends Error {
  override readonly name = 'EmailTakenError';
}

/**
 * Where users live. Reads never return deleted users. Writes that change the kubeconfig are optimistic:
 * they apply only while the stored `kubeconfigVersion` is still `expectedVersion` (false otherwise), and
 * append their event and their audit event to the user's outboxes in the same atomic update.
 */
export interface UserRepository {
  /** The next user id: sequential, never handed out twice. */
  nextUserId(): Promise<number>;
  /** Throws EmailTakenError when a live user has the (lower-cased) email. */
  insert(user: { id: number; email: string; passwordHash: string }): Promise<void>;
  findById(id: number): Promise<StoredUser | null>;
  /** Whether a live user has the id; reads only the id. */
  exists(id: number): Promise<boolean>;
  findByEmail(email: string): Promise<StoredUser | null>;
  changeKubeconfig(id: number, expectedVersion: number, change: KubeconfigChange, event: PendingEvent, audit: AuditEvent): Promise<boolean>;
  /** Deletes the user's data and frees the email in one update; the document stays until its events are out. */
  markDeleted(id: number, expectedVersion: number, event: PendingEvent, audit: AuditEvent): Promise<boolean>;

  /** Users whose outbox holds events, oldest events first. */
  pendingOutboxes(limit: number): Promise<UserOutbox[]>;
  /** Removes one published event; harmless when another relay removed it already. */
  removePublishedEvent(userId: number, event: PendingEvent): Promise<void>;
  /** Audit events waiting in users' documents, from at most `limit` users. */
  pendingAudit(limit: number): Promise<PendingUserAudit[]>;
  /** Removes one published audit event; harmless when another relay removed it already. */
  removePublishedAudit(pending: PendingUserAudit): Promise<void>;
  /** Removes a deleted user's document once both its outboxes are empty. */
  purgeIfDeletedAndDelivered(userId: number): Promise<void>;
}
