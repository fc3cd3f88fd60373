import { hash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { STRETCH_ROUNDS, stretchRecoveryKey } from './stretch-key';

/** BitLocker's stretch as its definition reads, one OpenSSL SHA-256 per round. */
function reference(recoveryKey: Buffer, salt: Buffer, rounds: number): Buffer {
  const record = Buffer.alloc(88);
  hash('sha256', recoveryKey, 'buffer').copy(record, 32);
  salt.copy(record, 64);
  for (let count = 0; count < rounds; count += 1) {
    record.writeUInt32LE(count, 80);
    hash('sha256', record, 'buffer').copy(record, 0);
  }
  return record.subarray(0, 32);
}

describe('the recovery key stretch', () => {
  it.each([1, 2, 255, 256, 8191, 8192, 8193, 20_000])('matches SHA-256 round by round for %i rounds (across the module’s call slices)', (rounds) => {
    const key = randomBytes(16);
    const salt = randomBytes(16);
    expect(stretchRecoveryKey(key, salt, rounds).equals(reference(key, salt, rounds))).toBe(true);
  });

  it('matches it for the full 2^20 rounds BitLocker uses', () => {
    const key = randomBytes(16);
    const salt = randomBytes(16);
    expect(stretchRecoveryKey(key, salt).equals(reference(key, salt, STRETCH_ROUNDS))).toBe(true);
  }, 30_000);

  it('refuses a salt of the wrong size and a round count it cannot count to', () => {
    expect(() => stretchRecoveryKey(randomBytes(16), randomBytes(15))).toThrow(/salt is 16 bytes/);
    expect(() => stretchRecoveryKey(randomBytes(16), randomBytes(16), 0)).toThrow(/positive/);
  });
});
