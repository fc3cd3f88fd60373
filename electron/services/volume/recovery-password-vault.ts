import type { SecretBox } from '../secrets/secret-box';
import type { DocumentStore } from '../store/document-store';

export interface StoredRecoveryPassword {
  protectorId: string;
  label: string;
  device: string;
  recoveryPassword: string;
  savedAt: string;
}

/**
 * Keeps each prepared drive's BitLocker recovery password sealed at rest (the app's SecretBox: the
 * OS keychain's key, or the 0600 key file), keyed by protector ID and volume label. The purpose
 * bound into the seal names both, so a sealed entry moved under another drive's key won't open.
 */
export class RecoveryPasswordVault {
  constructor(private readonly documents: DocumentStore, private readonly box: SecretBox) {}

  save(entry: Omit<StoredRecoveryPassword, 'savedAt'>): void {
    const record: StoredRecoveryPassword = { ...entry, savedAt: new Date().toISOString() };
    const sealed = this.box.seal(Buffer.from(JSON.stringify(record)), purpose(entry.protectorId, entry.label));
    this.documents.write(key(entry.protectorId, entry.label), sealed.toString('base64'));
  }

  /** The stored entry, or null when there is none or it can't be opened (another machine's key). */
  get(protectorId: string, label: string): StoredRecoveryPassword | null {
    const sealed = this.documents.read(key(protectorId, label));
    if (typeof sealed !== 'string') return null;
    try {
      return JSON.parse(this.box.open(Buffer.from(sealed, 'base64'), purpose(protectorId, label)).toString('utf8')) as StoredRecoveryPassword;
    } catch {
      return null;
    }
  }
}

const key = (protectorId: string, label: string) => `bitlocker.recovery.${protectorId}.${label}`;
const purpose = (protectorId: string, label: string) => `seedship bitlocker recovery password v1 ${protectorId} ${label}`;
