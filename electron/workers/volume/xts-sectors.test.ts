import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { wasm } from '../wasm-api';
import { XTS_SHARED_SCRATCH_BYTES, XtsSectorCipher, xtsDecryptSectors, xtsEncryptSectors } from './xts-sectors';

/** The reference: OpenSSL's XTS, one context per sector, IV = the sector number (16 bytes, little-endian). */
function openssl(direction: 'encrypt' | 'decrypt', key: Buffer, data: Buffer, firstSector: number, sectorSize: number): Buffer {
  const out = Buffer.alloc(data.length);
  const algorithm = key.length === 32 ? 'aes-128-xts' : 'aes-256-xts';
  for (let i = 0; i < data.length / sectorSize; i += 1) {
    const iv = Buffer.alloc(16);
    iv.writeBigUInt64LE(BigInt(firstSector + i));
    const cipher = direction === 'encrypt' ? createCipheriv(algorithm, key, iv) : createDecipheriv(algorithm, key, iv);
    const sector = data.subarray(i * sectorSize, (i + 1) * sectorSize);
    Buffer.concat([cipher.update(sector), cipher.final()]).copy(out, i * sectorSize);
  }
  return out;
}

const CASES = [32, 64].flatMap((keyBytes) => [512, 4096].map((sectorSize) => ({ keyBytes, sectorSize })));

describe('AES-XTS over sectors', () => {
  it.each(CASES)('matches OpenSSL for a $keyBytes-byte key and $sectorSize-byte sectors, across batches and above 2^32', ({ keyBytes, sectorSize }) => {
    const key = randomBytes(keyBytes);
    // 300 KiB spans several 64 KiB batches and ends in a partial one.
    const data = randomBytes(300 * 1024);
    for (const first of [0, 7, 2 ** 32 - 3, 2 ** 40 + 12345]) {
      const sealed = xtsEncryptSectors(key, data, first, sectorSize);
      expect(sealed.equals(openssl('encrypt', key, data, first, sectorSize))).toBe(true);
      expect(xtsDecryptSectors(key, sealed, first, sectorSize).equals(data)).toBe(true);
      expect(openssl('decrypt', key, sealed, first, sectorSize).equals(data)).toBe(true);
    }
  });

  it('transforms in place, buffers at odd byte offsets included, with one cipher reused', () => {
    const key = randomBytes(32);
    const cipher = new XtsSectorCipher(key, 512);
    const backing = randomBytes(512 * 200 + 3);
    const data = backing.subarray(3); // not 4-byte aligned
    const plain = Buffer.from(data);
    cipher.transformInPlace(data, 99);
    expect(data.equals(openssl('encrypt', key, plain, 99, 512))).toBe(true);
    const again = Buffer.from(plain);
    cipher.transformInPlace(again, 99);
    expect(again.equals(data)).toBe(true);
  });

  it.each(['encrypt', 'decrypt'] as const)('%ss bytes of a shared memory where they lie, as OpenSSL does, leaving the rest alone', (direction) => {
    const key = randomBytes(32);
    const memory = new wasm.Memory({ initial: 8, maximum: 8, shared: true });
    const bytes = Buffer.from(memory.buffer);
    const cipher = new XtsSectorCipher(key, 512, direction, { memory, scratchAt: 0 });
    expect(XTS_SHARED_SCRATCH_BYTES).toBeLessThanOrEqual(3 * 65536);
    const at = 3 * 65536 + 1024;
    randomBytes(5 * 65536).copy(bytes, 3 * 65536);
    const before = Buffer.from(bytes);
    const length = 100 * 1024; // across two batches
    cipher.transformShared(at, length, 2 ** 33 + 5);
    expect(bytes.subarray(at, at + length).equals(openssl(direction, key, before.subarray(at, at + length), 2 ** 33 + 5, 512))).toBe(true);
    expect(bytes.subarray(at + length).equals(before.subarray(at + length))).toBe(true);
    expect(bytes.subarray(3 * 65536, at).equals(before.subarray(3 * 65536, at))).toBe(true);
    expect(() => new XtsSectorCipher(key, 512).transformShared(0, 512, 0)).toThrow(/without a shared memory/);
  });

  it('refuses bad keys, partial sectors and unsafe sector numbers', () => {
    expect(() => xtsEncryptSectors(randomBytes(16), Buffer.alloc(512), 0, 512)).toThrow(/32 bytes/);
    expect(() => xtsEncryptSectors(Buffer.alloc(32, 7), Buffer.alloc(512), 0, 512)).toThrow(/halves/);
    expect(() => xtsEncryptSectors(randomBytes(32), Buffer.alloc(500), 0, 512)).toThrow(/whole number/);
    expect(() => xtsEncryptSectors(randomBytes(32), Buffer.alloc(512), -1, 512)).toThrow(/sector number/);
    expect(() => xtsEncryptSectors(randomBytes(32), Buffer.alloc(512), 0, 520)).toThrow(/sector size/);
  });
});
