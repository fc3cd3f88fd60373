import { randomBytes } from 'node:crypto';
import { SeedshipError } from '../../../../shared/api/errors';

/**
 * BitLocker recovery passwords (libbde "Recovery key"; cryptsetup get_recovery_key): 8 groups of 6
 * digits; each group is 11·q with q < 65536, and the eight q, as little-endian u16, are the 16-byte
 * recovery key that is stretched into the key protecting the VMK.
 */
export const RECOVERY_KEY_BYTES = 16;
const GROUPS = 8;

/** A new recovery password from the OS's secure random source; returns the password and its 16-byte key. */
export function generateRecoveryPassword(): { password: string; key: Buffer } {
  const key = randomBytes(RECOVERY_KEY_BYTES);
  return { password: recoveryPasswordFromKey(key), key };
}

/** The password that spells a 16-byte recovery key. */
export function recoveryPasswordFromKey(key: Buffer): string {
  if (key.length !== RECOVERY_KEY_BYTES) throw new RangeError('A recovery key is 16 bytes.');
  const groups: string[] = [];
  for (let i = 0; i < GROUPS; i += 1) groups.push(String(key.readUInt16LE(i * 2) * 11).padStart(6, '0'));
  return groups.join('-');
}

/**
 * Checks a recovery password and turns it into its 16-byte key. Errors say which group is wrong
 * and why, never the digits themselves (the password is a secret).
 */
export function recoveryKeyFromPassword(password: string): Buffer {
  const invalid = (why: string) => new SeedshipError('VALIDATION', `The recovery password is not valid: ${why}`, 'recoveryPassword');
  const groups = password.trim().split('-');
  if (groups.length !== GROUPS) throw invalid(`it has ${groups.length} group(s) separated by "-"; a recovery password has 8 groups of 6 digits.`);
  const key = Buffer.alloc(RECOVERY_KEY_BYTES);
  groups.forEach((group, i) => {
    const n = i + 1;
    if (!/^[0-9]{6}$/.test(group)) throw invalid(`group ${n} is not 6 digits.`);
    const value = Number(group);
    if (value % 11 !== 0) throw invalid(`group ${n} fails the checksum (it must be divisible by 11); check it for a typing mistake.`);
    if (value / 11 >= 0x10000) throw invalid(`group ${n} is too large (it must be below 720896).`);
    key.writeUInt16LE(value / 11, i * 2);
  });
  return key;
}
