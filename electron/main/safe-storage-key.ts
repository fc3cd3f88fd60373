import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { safeStorage } from 'electron';
import type { SecretKeyProvider } from '../services/secrets/secret-box';

/**
 * The secrets key wrapped by the OS keychain (Electron safeStorage: DPAPI, Keychain, libsecret):
 * the file on disk is useless without the logged-in user's keychain.
 */
export class SafeStorageKeyProvider implements SecretKeyProvider {
  readonly osProtected = true;
  readonly description = 'your operating system’s keychain';
  private cached: Buffer | null = null;
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'secrets.key.sealed');
  }

  key(): Buffer {
    if (this.cached) return this.cached;
    if (!existsSync(this.file)) {
      mkdirSync(join(this.file, '..'), { recursive: true, mode: 0o700 });
      writeFileSync(this.file, safeStorage.encryptString(randomBytes(32).toString('base64')), { mode: 0o600, flag: 'wx' });
    }
    this.cached = Buffer.from(safeStorage.decryptString(readFileSync(this.file)), 'base64');
    return this.cached;
  }
}
