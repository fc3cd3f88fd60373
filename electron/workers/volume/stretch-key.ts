import { hash } from 'node:crypto';

/** Rounds of SHA-256 BitLocker uses to stretch a recovery key (libbde, dislocker, cryptsetup: 0x100000). */
export const STRETCH_ROUNDS = 0x100000;

/**
 * Stretches a 16-byte recovery key into the 32-byte AES-CCM key that wraps the VMK:
 * SHA-256 over the 88-byte record {last hash, initial hash = SHA-256(key), salt, count (u64 LE)},
 * repeated 2^20 times. The record is one buffer updated in place; this takes about 2 s on one core
 * and blocks the thread, so it is called once per open or prepare.
 */
export function stretchRecoveryKey(recoveryKey: Buffer, salt: Buffer): Buffer {
  if (salt.length !== 16) throw new RangeError('A stretch-key salt is 16 bytes.');
  const record = Buffer.alloc(88);
  hash('sha256', recoveryKey, 'buffer').copy(record, 32);
  salt.copy(record, 64);
  for (let count = 0; count < STRETCH_ROUNDS; count += 1) {
    record.writeUInt32LE(count, 80); // the high half of the u64 count stays 0 below 2^32
    hash('sha256', record, 'buffer').copy(record, 0);
  }
  const key = Buffer.from(record.subarray(0, 32));
  record.fill(0);
  return key;
}
