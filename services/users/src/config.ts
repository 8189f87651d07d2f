import { z } from '@platform/contracts';
import { serviceConfigBase } from '@platform/service-kit';

/** A key is `keyId:base64` of 32 bytes; key ids are stored with each ciphertext so keys can rotate. */
const EncryptionKeys = z
  .string()
  .min(1)
  .transform((raw, context) => {
    const keys = new Map<string, Buffer>();
    for (const entry of raw
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)) {
      const match = /^([A-Za-z0-9_-]{1,64}):([A-Za-z0-9+/=]+)$/.exec(entry);
      const key = match ? Buffer.from(match[2]!, 'base64') : null;
      if (!match || !key || key.length !== 32 || keys.has(match[1]!)) {
        context.addIssue({ code: z.ZodIssueCode.custom, message: 'expected keyId:base64-of-32-bytes[,keyId:...] with distinct ids' });
        return z.NEVER;
      }
      keys.set(match[1]!, key);
    }
    const [activeKeyId] = keys.keys();
    if (activeKeyId === undefined) {
      context.addIssue({ code: z.ZodIssueCode.custom, message: 'at least one key is required' });
      return z.NEVER;
    }
    return { activeKeyId, keys };
  });

export const UsersConfig = serviceConfigBase(8081).extend({
  MONGO_URL: z.string().url(),
  /** The first key encrypts; every listed key decrypts. */
  KUBECONFIG_ENCRYPTION_KEYS: EncryptionKeys,
  BCRYPT_COST: z.coerce.number().int().min(4).max(15).default(12),
  /** Audit events older than this many days are deleted (checked hourly). */
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(365),
});
export type UsersConfig = z.infer<typeof UsersConfig>;
export type EncryptionKeyring = UsersConfig['KUBECONFIG_ENCRYPTION_KEYS'];
