import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { UsersConfig } from '../src/config.js';
import { KubeconfigCipher } from '../src/domain/kubeconfig-cipher.js';

const key = () => randomBytes(32).toString('base64');
const keyring = (raw: string) => UsersConfig.shape.KUBECONFIG_ENCRYPTION_KEYS.parse(raw);

describe('KubeconfigCipher', () => {
  test('a fresh IV per write; the plaintext comes back only for the same user', () => {
    const cipher = new KubeconfigCipher(keyring(`k1:${key()}`));
    const first = cipher.encrypt(7, 'apiVersion: v1');
    const second = cipher.encrypt(7, 'apiVersion: v1');
    assert.notEqual(first.iv, second.iv);
    assert.notEqual(first.ciphertext, second.ciphertext);
    assert.equal(cipher.decrypt(7, first), 'apiVersion: v1');
    assert.throws(() => cipher.decrypt(8, first));
  });

  test('tampered ciphertext or tag does not open', () => {
    const cipher = new KubeconfigCipher(keyring(`k1:${key()}`));
    const sealed = cipher.encrypt(1, 'secret kubeconfig');
    const flipped = Buffer.from(sealed.ciphertext, 'base64');
    flipped[0] = flipped[0]! ^ 1;
    assert.throws(() => cipher.decrypt(1, { ...sealed, ciphertext: flipped.toString('base64') }));
    assert.throws(() => cipher.decrypt(1, { ...sealed, tag: Buffer.alloc(16).toString('base64') }));
  });

  test('keys rotate: the first key seals, older keys still open, unknown key ids fail', () => {
    const oldKey = key();
    const before = new KubeconfigCipher(keyring(`old:${oldKey}`));
    const sealed = before.encrypt(3, 'kept across rotation');
    const after = new KubeconfigCipher(keyring(`new:${key()},old:${oldKey}`));
    assert.equal(after.decrypt(3, sealed), 'kept across rotation');
    assert.equal(after.encrypt(3, 'x').keyId, 'new');
    assert.throws(() => new KubeconfigCipher(keyring(`other:${key()}`)).decrypt(3, sealed), /no encryption key with id old/);
  });

  test('the key list is validated: 32 bytes each, distinct ids', () => {
    for (const bad of ['', 'nokey', `k1:${randomBytes(16).toString('base64')}`, `k1:${key()},k1:${key()}`, `bad id:${key()}`]) {
      assert.equal(UsersConfig.shape.KUBECONFIG_ENCRYPTION_KEYS.safeParse(bad).success, false, bad);
    }
  });
});
