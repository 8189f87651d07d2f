import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { EncryptionKeyring } from '../config.js';

/** A kubeconfig at rest: AES-256-GCM, base64 fields, and the id of the key that sealed it. */
export interface EncryptedKubeconfig {
  keyId: string;
  iv: string;
  tag: string;
  ciphertext: string;
}

export class UnknownEncryptionKeyError extends Error {
  override readonly name = 'UnknownEncryptionKeyError';
}

const algorithm = 'aes-256-gcm';

/**
 * Seals kubeconfigs with the active key and opens them with any configured key. The user id is bound as
 * additional authenticated data, so a ciphertext copied onto another user's document does not open.
 */
export class KubeconfigCipher {
  constructor(private readonly keyring: EncryptionKeyring) {}

  encrypt(userId: number, plaintext: string): EncryptedKubeconfig {
    const keyId = this.keyring.activeKeyId;
    const iv = randomBytes(12);
    const cipher = createCipheriv(algorithm, this.key(keyId), iv);
    cipher.setAAD(additionalData(userId));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return {
      keyId,
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      ciphertext: ciphertext.toString('base64'),
    };
  }

  /** Throws when the key is unknown or the ciphertext was tampered with. */
  decrypt(userId: number, sealed: EncryptedKubeconfig): string {
    const decipher = createDecipheriv(algorithm, this.key(sealed.keyId), Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(additionalData(userId));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]).toString('utf8');
  }

  private key(keyId: string): Buffer {
    const key = this.keyring.keys.get(keyId);
    if (!key) throw new UnknownEncryptionKeyError(`no encryption key with id ${keyId}`);
    return key;
  }
}

function additionalData(userId: number): Buffer {
  return Buffer.from(`user:${userId}`, 'utf8');
}
