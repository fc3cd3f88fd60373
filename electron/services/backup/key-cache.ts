import { createHash, timingSafeEqual } from 'node:crypto';
import { keyCheck, type RepositoryKeys } from '../../workers/backup/chunk-crypto';
import type { SecretBox } from '../secrets/secret-box';
import type { DocumentStore } from '../store/document-store';
import type { RepositoryConfig } from './repository';

const PURPOSE = 'seedship repository keys v1';

/**
 * Remembers a repository's unlocked keys, sealed in the app's secret store (the OS keychain's key,
 * or the 0600 key file), the same protection as the saved passphrase itself. The deliberate 0.3 s
 * KDF then runs once per machine, not once per scheduled backup. A cached entry is used only when
 * the passphrase given now hashes (with the repository's salt) to the one that unlocked it, and the
 * keys still pass the repository's key check.
 */
export class KeyCache {
  constructor(private readonly documents: DocumentStore, private readonly box: SecretBox) {}

  get(config: RepositoryConfig, passphrase: string): RepositoryKeys | null {
    const sealed = this.documents.read(this.key(config));
    if (typeof sealed !== 'string') return null;
    try {
      const entry = JSON.parse(this.box.open(Buffer.from(sealed, 'base64'), PURPOSE).toString('utf8')) as { tag: string; encryption: string; identity: string };
      const tag = Buffer.from(entry.tag, 'base64');
      const expected = tagOf(config, passphrase);
      if (tag.length !== expected.length || !timingSafeEqual(tag, expected)) return null;
      const keys = { encryption: Buffer.from(entry.encryption, 'base64'), identity: Buffer.from(entry.identity, 'base64') };
      return keyCheck(keys) === config.keyCheck ? keys : null;
    } catch {
      return null;
    }
  }

  put(config: RepositoryConfig, passphrase: string, keys: RepositoryKeys): void {
    const entry = { tag: tagOf(config, passphrase).toString('base64'), encryption: keys.encryption.toString('base64'), identity: keys.identity.toString('base64') };
    this.documents.write(this.key(config), this.box.seal(Buffer.from(JSON.stringify(entry)), PURPOSE).toString('base64'));
  }

  private key(config: RepositoryConfig): string {
    return `backup.keys.${config.id}`;
  }
}

function tagOf(config: RepositoryConfig, passphrase: string): Buffer {
  return createHash('sha256').update(config.kdf.salt).update('\0').update(passphrase.normalize('NFC')).digest();
}
