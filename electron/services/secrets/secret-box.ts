import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Supplies the 32-byte key that encrypts secrets at rest (token cache, recovery passwords). */
export interface SecretKeyProvider {
  /** Human words for where the key lives, shown in Settings. */
  readonly description: string;
  /** true when the OS protects the key (Electron safeStorage); false for a key file. */
  readonly osProtected: boolean;
  key(): Buffer;
}

/**
 * A key file readable only by this user: the fallback where the OS keychain (Electron safeStorage)
 * isn't available, e.g. the headless host and the CLI. Anyone who can read the file can decrypt.
 */
export class KeyFileProvider implements SecretKeyProvider {
  readonly osProtected = false;
  readonly description: string;
  private cached: Buffer | null = null;

  constructor(private readonly path: string) {
    this.description = `a key file readable only by you (${path})`;
  }

  key(): Buffer {
    if (this.cached) return this.cached;
    if (!existsSync(this.path)) {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
      writeFileSync(this.path, randomBytes(32), { mode: 0o600, flag: 'wx' });
    }
    const key = readFileSync(this.path);
    if (key.length !== 32) throw new Error(`The secrets key file ${this.path} is damaged (expected 32 bytes).`);
    this.cached = key;
    return key;
  }
}

export function defaultKeyProvider(dataDir: string): SecretKeyProvider {
  return new KeyFileProvider(join(dataDir, 'secrets.key'));
}

const VERSION = 1;

/** AES-256-GCM with a fresh nonce per message; the `purpose` is bound as associated data. */
export class SecretBox {
  constructor(private readonly keys: SecretKeyProvider) {}

  seal(plaintext: Buffer, purpose: string): Buffer {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.key(), nonce);
    cipher.setAAD(Buffer.from(purpose));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), nonce, cipher.getAuthTag(), body]);
  }

  open(sealed: Buffer, purpose: string): Buffer {
    if (sealed.length < 29 || sealed[0] !== VERSION) throw new Error('Not a sealed Seedship secret.');
    const decipher = createDecipheriv('aes-256-gcm', this.keys.key(), sealed.subarray(1, 13));
    decipher.setAAD(Buffer.from(purpose));
    decipher.setAuthTag(sealed.subarray(13, 29));
    return Buffer.concat([decipher.update(sealed.subarray(29)), decipher.final()]);
  }
}
