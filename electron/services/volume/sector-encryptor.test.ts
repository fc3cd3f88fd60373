import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { xtsDecryptSectors, xtsEncryptSectors } from '../../workers/volume/xts-sectors';
import { tempDirs } from '../backup/testing/temp-dirs';
import { encryptDeviceRanges, mergeRanges, SectorEncryptionStopped, sliceRanges } from './sector-encryptor';

// The bundled worker, as the app loads it (built by the vitest global setup).
const WORKER_DIR = join(import.meta.dirname, '..', '..', '..', 'dist', 'workers');
const MiB = 1024 * 1024;
const temp = tempDirs();

function image(bytes: number): { path: string; original: Buffer } {
  const path = join(temp('sectors'), 'volume.img');
  const original = randomBytes(bytes);
  writeFileSync(path, original);
  return { path, original };
}

describe('encryptDeviceRanges', () => {
  it.each([
    { sectorSize: 512 as const, keyBytes: 32 },
    { sectorSize: 4096 as const, keyBytes: 64 },
  ])('encrypts exactly the given ranges in place ($sectorSize-byte sectors, $keyBytes-byte key)', async ({ sectorSize, keyBytes }) => {
    const { path, original } = image(40 * MiB);
    const key = randomBytes(keyBytes);
    // Ranges of several slices, a single sector, and gaps that must stay untouched.
    const ranges = [
      { offset: 0, length: 8 * sectorSize },
      { offset: 1 * MiB, length: 20 * MiB + 3 * sectorSize },
      { offset: 30 * MiB, length: sectorSize },
    ];
    const progress: number[] = [];
    await encryptDeviceRanges({ device: path, key, sectorSize, ranges, workerDir: WORKER_DIR, onProgress: (done, total) => progress.push(done / total) });
    const after = readFileSync(path);
    const expected = Buffer.from(original);
    for (const { offset, length } of ranges) {
      xtsEncryptSectors(key, original.subarray(offset, offset + length), offset / sectorSize, sectorSize).copy(expected, offset);
    }
    expect(after.equals(expected)).toBe(true);
    expect(progress.at(-1)).toBe(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const { offset, length } = ranges[1] as { offset: number; length: number };
    expect(xtsDecryptSectors(key, after.subarray(offset, offset + length), offset / sectorSize, sectorSize).equals(original.subarray(offset, offset + length))).toBe(true);
  });

  it('encrypts a few MB on the calling thread, exactly as the workers would, without starting any', async () => {
    const { path, original } = image(12 * MiB);
    const key = randomBytes(32);
    const ranges = [
      { offset: 4096, length: 3 * MiB },
      { offset: 8 * MiB, length: 512 },
    ];
    const progress: number[] = [];
    // No worker folder: starting a worker would fail.
    await encryptDeviceRanges({ device: path, key, sectorSize: 512, ranges, workerDir: '/nonexistent', onProgress: (done, total) => progress.push(done / total) });
    const after = readFileSync(path);
    const expected = Buffer.from(original);
    for (const { offset, length } of ranges) xtsEncryptSectors(key, original.subarray(offset, offset + length), offset / 512, 512).copy(expected, offset);
    expect(after.equals(expected)).toBe(true);
    expect(progress.at(-1)).toBe(1);
  });

  it('on cancel, stops after the current slices and reports exactly the finished ranges', async () => {
    const { path, original } = image(96 * MiB);
    const key = randomBytes(32);
    const controller = new AbortController();
    const run = encryptDeviceRanges({
      device: path,
      key,
      sectorSize: 4096,
      ranges: [{ offset: 0, length: 96 * MiB }],
      workerDir: WORKER_DIR,
      workers: 2,
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    const stopped = (await run.then(
      () => null,
      (error: unknown) => error,
    )) as SectorEncryptionStopped;
    expect(stopped).toBeInstanceOf(SectorEncryptionStopped);
    expect(stopped.cancelled).toBe(true);
    expect(stopped.doneBytes).toBeGreaterThan(0);
    expect(stopped.doneBytes).toBeLessThan(96 * MiB);
    const after = readFileSync(path);
    let covered = 0;
    for (const { offset, length } of stopped.finished) {
      covered += length;
      const plain = xtsDecryptSectors(key, after.subarray(offset, offset + length), offset / 4096, 4096);
      expect(plain.equals(original.subarray(offset, offset + length))).toBe(true);
    }
    expect(covered).toBe(stopped.doneBytes);
    // Whatever isn't reported finished is still the plaintext.
    const untouched = mergeRanges([{ offset: 0, length: 0 }, ...stopped.finished]);
    let at = 0;
    for (const r of [...untouched, { offset: 96 * MiB, length: 0 }]) {
      expect(after.subarray(at, r.offset).equals(original.subarray(at, r.offset))).toBe(true);
      at = Math.max(at, r.offset + r.length);
    }
  });

  it('fails with the finished ranges when the device is shorter than a range, and never puts the key in the message', async () => {
    const { path } = image(2 * MiB);
    const key = randomBytes(32);
    const error = (await encryptDeviceRanges({ device: path, key, sectorSize: 512, ranges: [{ offset: 1 * MiB, length: 2 * MiB }], workerDir: WORKER_DIR }).catch((e: unknown) => e)) as SectorEncryptionStopped;
    expect(error).toBeInstanceOf(SectorEncryptionStopped);
    expect(error.cancelled).toBe(false);
    expect(error.message).toMatch(/ends before byte/);
    expect(error.message).not.toContain(key.toString('hex'));
    expect(error.message).not.toContain(key.toString('base64'));
  });

  it('refuses misaligned or overlapping ranges and a missing device', async () => {
    expect(() => sliceRanges([{ offset: 100, length: 512 }], 512)).toThrow(/not aligned to 512-byte sectors/);
    expect(() => sliceRanges([{ offset: 0, length: 4096 }, { offset: 2048, length: 4096 }], 512)).toThrow(/overlaps/);
    await expect(encryptDeviceRanges({ device: '/nonexistent/volume.img', key: randomBytes(32), sectorSize: 512, ranges: [{ offset: 0, length: 512 }], workerDir: WORKER_DIR })).rejects.toThrow(/ENOENT/);
  });
});
