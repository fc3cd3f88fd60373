import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DriveFailure } from './result-codes';
import { locateBitLockerVolume } from './volume-locator';

const dir = mkdtempSync(join(tmpdir(), 'seedship-volume-locator-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A boot sector whose OEM id (bytes 3–10) is `oem`, with the 0x55AA end mark. */
function bootSector(oem: string): Buffer {
  const sector = Buffer.alloc(512);
  sector.write(oem, 3, 'latin1');
  sector.writeUInt16LE(0xaa55, 510);
  return sector;
}

function image(name: string, parts: [offset: number, bytes: Buffer][], size = 2 * 1024 * 1024): string {
  const bytes = Buffer.alloc(size);
  for (const [offset, part] of parts) part.copy(bytes, offset);
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

async function failureOf(path: string): Promise<string> {
  try {
    await locateBitLockerVolume(path);
  } catch (error) {
    if (error instanceof DriveFailure) return error.code;
    throw error;
  }
  return 'none';
}

describe('locateBitLockerVolume', () => {
  it('finds BitLocker on the whole drive (how Seedship writes it)', async () => {
    expect(await locateBitLockerVolume(image('whole.img', [[0, bootSector('-FVE-FS-')]]))).toBe(0);
  });

  it('finds BitLocker in the first partition of an MBR disk', async () => {
    const mbr = Buffer.alloc(512);
    mbr[446 + 4] = 0x07; // NTFS/exFAT/BitLocker partition type
    mbr.writeUInt32LE(2048, 446 + 8);
    mbr.writeUInt16LE(0xaa55, 510);
    expect(await locateBitLockerVolume(image('mbr.img', [[0, mbr], [2048 * 512, bootSector('-FVE-FS-')]]))).toBe(1024 * 1024);
  });

  it('finds BitLocker in the first partition of a GPT disk', async () => {
    const pmbr = Buffer.alloc(512);
    pmbr[446 + 4] = 0xee;
    pmbr.writeUInt32LE(1, 446 + 8);
    pmbr.writeUInt16LE(0xaa55, 510);
    const header = Buffer.alloc(512);
    header.write('EFI PART', 0, 'latin1');
    header.writeBigUInt64LE(2n, 72);
    const entry = Buffer.alloc(128);
    entry.writeBigUInt64LE(2048n, 32);
    expect(await locateBitLockerVolume(image('gpt.img', [[0, pmbr], [512, header], [1024, entry], [2048 * 512, bootSector('-FVE-FS-')]]))).toBe(1024 * 1024);
  });

  it('names what it finds instead: plain NTFS, nothing, no drive', async () => {
    expect(await failureOf(image('ntfs.img', [[0, bootSector('NTFS    ')]]))).toBe('BitLockerNotActivated');
    expect(await failureOf(image('zeros.img', []))).toBe('BitLockerVolumeNotFound');
    expect(await failureOf(join(dir, 'absent.img'))).toBe('DiskNotFound');
  });
});
