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
 * Seals kubeconfigs (and other credentials of a user: chart repositories') with the active key and opens them
 * with any configured key. The user id, and for anything but the kubeconfig what the secret is for
 * (`purpose`), are bound as additional authenticated data, so a ciphertext copied onto another user's
 * document, or from one repository to another, does not open.
 */
export class KubeconfigCipher {
  constructor(private readonly keyring: EncryptionKeyring) {}

  encrypt(userId: number, plaintext: string, purpose?: string): EncryptedKubeconfig {
    const keyId = this.keyring.activeKeyId;
    const iv = randomBytes(12);
    const cipher = createCipheriv(algorithm, this.key(keyId), iv);
    cipher.setAAD(additionalData(userId, purpose));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return {
      keyId,
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      ciphertext: ciphertext.toString('base64'),
    };
  }

  /** Throws when the key is unknown or the ciphertext was tampered with. */
  decrypt(userId: number, sealed: EncryptedKubeconfig, purpose?: string): string {
    const decipher = createDecipheriv(algorithm, this.key(sealed.keyId), Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(additionalData(userId, purpose));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]).toString('utf8');
  }

  private key(keyId: string): Buffer {
    const key = this.keyring.keys.get(keyId);
    if (!key) throw new UnknownEncryptionKeyError(`no encryption key with id ${keyId}`);
    return key;
  }
}

/** The kubeconfig's is `user:<id>` alone, as it was before other secrets were sealed. */
function additionalData(userId: number, purpose?: string): Buffer {
  return Buffer.from(purpose === undefined ? `user:${userId}` : `user:${userId}:${purpose}`, 'utf8');
}
