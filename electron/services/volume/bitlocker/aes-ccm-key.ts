import { createCipheriv, createDecipheriv } from 'node:crypto';

/** AES-CCM as BitLocker uses it for keys: AES-256, 12-byte nonce, 16-byte MAC, no associated data. */
const MAC_BYTES = 16;
export const NONCE_BYTES = 12;

/** Wrapped key material as stored in an AES-CCM datum: nonce, MAC, then the ciphertext. */
export interface WrappedKey {
  nonce: Buffer;
  mac: Buffer;
  ciphertext: Buffer;
}

/**
 * Hands out BitLocker nonces: the metadata's FILETIME followed by a u32 counter that grows by one
 * per wrapped key, so no nonce repeats under a key. `next` is written to the metadata header as
 * the "next nonce counter".
 */
export class NonceSource {
  constructor(
    private readonly filetime: bigint,
    public next = 1,
  ) {}

  take(): Buffer {
    const nonce = Buffer.alloc(NONCE_BYTES);
    nonce.writeBigUInt64LE(this.filetime, 0);
    nonce.writeUInt32LE(this.next, 8);
    this.next += 1;
    return nonce;
  }
}

export function wrapKey(key: Buffer, plaintext: Buffer, nonce: Buffer): WrappedKey {
  const cipher = createCipheriv('aes-256-ccm', key, nonce, { authTagLength: MAC_BYTES });
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { nonce, mac: cipher.getAuthTag(), ciphertext };
}

/** Returns the plaintext, or undefined when the MAC does not verify (wrong key or altered data). */
export function unwrapKey(key: Buffer, wrapped: WrappedKey): Buffer | undefined {
  try {
    const decipher = createDecipheriv('aes-256-ccm', key, wrapped.nonce, { authTagLength: MAC_BYTES });
    decipher.setAuthTag(wrapped.mac);
    return Buffer.concat([decipher.update(wrapped.ciphertext), decipher.final()]);
  } catch {
    return undefined;
  }
}
