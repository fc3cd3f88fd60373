import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ICachePlugin, TokenCacheContext } from '@azure/msal-node';
import type { SecretBox } from '../secrets/secret-box';

const PURPOSE = 'seedship/msal-token-cache';

/**
 * Persists msal-node's token cache encrypted at rest (refresh tokens are credentials). A cache that
 * can't be decrypted (key changed) is dropped: the operator signs in again, nothing is exposed.
 */
export class EncryptedTokenCachePlugin implements ICachePlugin {
  constructor(private readonly file: string, private readonly box: SecretBox) {}

  async beforeCacheAccess(context: TokenCacheContext): Promise<void> {
    if (!existsSync(this.file)) return;
    try {
      context.tokenCache.deserialize(this.box.open(readFileSync(this.file), PURPOSE).toString('utf8'));
    } catch {
      rmSync(this.file, { force: true });
    }
  }

  async afterCacheAccess(context: TokenCacheContext): Promise<void> {
    if (!context.cacheHasChanged) return;
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const temp = `${this.file}.tmp`;
    writeFileSync(temp, this.box.seal(Buffer.from(context.tokenCache.serialize(), 'utf8'), PURPOSE), { mode: 0o600 });
    renameSync(temp, this.file);
  }

  clear(): void {
    rmSync(this.file, { force: true });
  }
}
