import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyFixups, initializeDataAttribute, mftRecordOffset, removeFixups } from '../volume/ntfs/mft-record';
import { SeedshipError } from '../../../shared/api/errors';
import { XtsSectorCipher } from '../../workers/volume/xts-sectors';
import { allocateDirectFiles, readBackDirectFile, writeDirectFile, writeResidentFile } from './direct-write';
import { DiskPrepPool } from './diskprep-pool';
import type { FileExtents } from './file-layout';

// ntfs-3g's tools on an image file (Debian: ntfs-3g); the mount needs root (FUSE).
const MiB = 1024 * 1024;
const work = mkdtempSync(join(tmpdir(), 'seedship-direct-'));
const mounts: string[] = [];
afterAll(() => {
  for (const dir of mounts) if (spawnSync('mountpoint', ['-q', dir]).status === 0) execFileSync('umount', [dir]);
  rmSync(work, { recursive: true, force: true });
});

/** A 1024-byte FILE record with fixups applied and one non-resident unnamed $DATA attribute. */
function record(dataSize: bigint, allocated: bigint): Buffer {
  const r = Buffer.alloc(1024);
  r.write('FILE', 0, 'latin1');
  r.writeUInt16LE(0x30, 4); // update sequence array offset
  r.writeUInt16LE(3, 6); // USN + 2 strides
  r.writeUInt16LE(0x38, 0x14); // first attribute
  const a = 0x38;
  r.writeUInt32LE(0x80, a);
  r.writeUInt32LE(0x48, a + 4);
  r[a + 8] = 1; // non-resident
  r.writeBigUInt64LE(allocated, a + 0x28);
  r.writeBigUInt64LE(dataSize, a + 0x30);
  r.writeUInt32LE(0xffffffff, a + 0x48);
  r.writeUInt16LE(0xabcd, 510); // stride ends, saved by the fixups
  r.writeUInt16LE(0x1234, 1022);
  r.writeUInt16LE(7, 0x30);
  applyFixups(r);
  return r;
}

describe('MFT record edits', () => {
  it('undoes and re-applies update-sequence fixups, with a new sequence number', () => {
    const r = record(5000n, 8192n);
    expect(r.readUInt16LE(510)).toBe(8);
    expect(r.readUInt16LE(1022)).toBe(8);
    removeFixups(r);
    expect(r.readUInt16LE(510)).toBe(0xabcd);
    expect(r.readUInt16LE(1022)).toBe(0x1234);
    expect(initializeDataAttribute(r)).toBe(5000);
    expect(r.readBigUInt64LE(0x38 + 0x38)).toBe(5000n);
    applyFixups(r);
    expect(r.readUInt16LE(0x30)).toBe(9);
    const again = Buffer.from(r);
    removeFixups(again);
    expect(again.readUInt16LE(510)).toBe(0xabcd);
  });

  it('refuses a torn record', () => {
    const r = record(1n, 4096n);
    r.writeUInt16LE(0, 1022);
    expect(() => removeFixups(r)).toThrow(/update sequence/);
  });

  it("maps a record number through $MFT's runs", () => {
    const runs = [
      { lcn: 4, length: 2 },
      { lcn: 100, length: 1 },
    ];
    expect(mftRecordOffset(runs, 4096, 1024, 0)).toBe(4 * 4096);
    expect(mftRecordOffset(runs, 4096, 1024, 7)).toBe(4 * 4096 + 7 * 1024);
    expect(mftRecordOffset(runs, 4096, 1024, 8)).toBe(100 * 4096);
    expect(() => mftRecordOffset(runs, 4096, 1024, 12)).toThrow(/past the end/);
  });
});

describe('allocateDirectFiles', () => {
  it('gives empty files their clusters, initialized, so bytes written at their extents (or into a tiny one\'s MFT record) read back through ntfs-3g', () => {
    if (process.getuid?.() !== 0) throw new Error('This test mounts FUSE file systems: run it as root.');
    const image = join(work, 'ntfs.img');
    execFileSync('truncate', ['-s', String(64 * MiB), image]);
    execFileSync('mkntfs', ['-Q', '-F', '-q', '-p', '0', '-s', '512', '-L', 't', image], { stdio: 'ignore' });
    const mnt = join(work, 'mnt');
    mkdirSync(mnt);
    mounts.push(mnt);
    execFileSync('ntfs-3g', ['-o', 'rw', image, mnt]);
    mkdirSync(join(mnt, 'job-1', 'repo'), { recursive: true });
    writeFileSync(join(mnt, 'job-1', 'repo', 'big file'), '');
    writeFileSync(join(mnt, 'small.xml'), '');
    execFileSync('umount', [mnt]);

    const big = randomBytes(3 * MiB + 123);
    const small = Buffer.from('<x/>\n');
    return allocateDirectFiles(image, [
      { ntfsPath: '/job-1/repo/big file', bytes: big.length },
      { ntfsPath: '/small.xml', bytes: small.length },
    ]).then(async (layout) => {
      const extents = layout['/job-1/repo/big file'];
      expect(extents?.resident).toBe(false);
      const fd = openSync(image, 'r+');
      let at = 0;
      for (const [offset, length] of extents?.ranges ?? []) {
        const piece = big.subarray(at, at + length);
        writeSync(fd, piece, 0, piece.length, offset);
        at += piece.length;
      }
      closeSync(fd);
      // Five bytes fit the MFT record: ntfsfallocate leaves the file resident, and its bytes go there.
      const tiny = layout['/small.xml'];
      expect(tiny?.resident).toBe(true);
      await writeResidentFile(image, tiny as FileExtents, small);
      expect(spawnSync('ntfsfix', ['-n', image]).status).toBe(0);
      // Every size NTFS keeps for the file agrees: $FILE_NAME's, $DATA's data and initialized sizes.
      const info = execFileSync('ntfsinfo', ['-v', '-F', '/job-1/repo/big file', image], { encoding: 'utf8' });
      const sizes = [...info.matchAll(/(?:Data Size|Data size|Initialized size):\s+(\d+)/g)].map((m) => Number(m[1]));
      expect(sizes.filter((n) => n === big.length).length).toBeGreaterThanOrEqual(3);
      expect(info).not.toMatch(/Data Size:\s+0 /);
      execFileSync('ntfs-3g', ['-o', 'ro', image, mnt]);
      try {
        expect(readFileSync(join(mnt, 'job-1', 'repo', 'big file')).equals(big)).toBe(true);
        expect(readFileSync(join(mnt, 'small.xml')).equals(small)).toBe(true);
      } finally {
        execFileSync('umount', [mnt]);
      }
    });
  });
});

describe('allocateDirectFiles refusals', () => {
  it('names a file the volume does not have, and allocates nothing after it', async () => {
    const image = join(work, 'missing.img');
    execFileSync('truncate', ['-s', String(64 * MiB), image]);
    execFileSync('mkntfs', ['-Q', '-F', '-q', '-p', '0', '-s', '512', '-L', 't', image], { stdio: 'ignore' });
    await expect(allocateDirectFiles(image, [{ ntfsPath: '/not there.bin', bytes: 2 * MiB }])).rejects.toThrow(/not there\.bin/);
  });
});

describe('the readback after a direct write', () => {
  const WORKER_DIR = join(import.meta.dirname, '..', '..', '..', 'dist', 'workers');

  it('reads the sectors back from the device, decrypts them and catches one flipped byte in any block, the one it names', async () => {
    const sectorSize = 512;
    const key = randomBytes(32);
    // 9 MiB + 1000 bytes over three extents out of order (blocks span extents), in a 32 MiB "device".
    const data = randomBytes(9 * MiB + 1000);
    const extents: FileExtents = { resident: false, ranges: [[20 * MiB, 3 * MiB], [2 * MiB, 5 * MiB], [12 * MiB, 2 * MiB]] };
    const path = join(work, 'readback.img');
    writeFileSync(path, Buffer.alloc(0));
    execFileSync('truncate', ['-s', String(32 * MiB), path]);
    const pool = new DiskPrepPool(WORKER_DIR, 2);
    const device = await open(path, 'r+');
    try {
      await pool.useKey(key, sectorSize, 'encrypt');
      await pool.useKey(key, sectorSize, 'decrypt');
      const hashes = await writeDirectFile({
        device,
        source: (buffer, length, position) => Promise.resolve(data.copy(buffer, 0, position, Math.min(data.length, position + length))),
        bytes: data.length,
        extents,
        sectorSize,
        pool,
        buffers: pool.blockBuffers(4),
        shorter: () => new SeedshipError('INTERNAL', 'short'),
        onBytes: () => undefined,
      });
      expect(hashes).toEqual([0, 1, 2].map((i) => createHash('md5').update(data.subarray(i * 4 * MiB, (i + 1) * 4 * MiB)).digest('hex').toUpperCase()));
      // The device holds ciphertext: sector 0 of the first extent decrypts to the file's first bytes.
      const first = readFileSync(path).subarray(20 * MiB, 20 * MiB + 512);
      expect(first.equals(data.subarray(0, 512))).toBe(false);
      new XtsSectorCipher(key, sectorSize, 'decrypt').transformInPlace(first, (20 * MiB) / 512);
      expect(first.equals(data.subarray(0, 512))).toBe(true);
      const readBack = () => readBackDirectFile({ device, ntfsPath: '/job/pack', bytes: data.length, extents, sectorSize, hashes, pool, buffers: pool.blockBuffers(3) });
      expect(await readBack()).toEqual([]);
      // One byte flipped on the device in the middle block (file offset 5 MiB + 77 = the second extent's 2 MiB + 77).
      const at = 2 * MiB + 2 * MiB + 77;
      const fd = openSync(path, 'r+');
      try {
        const byte = Buffer.alloc(1);
        readFileSync(path).copy(byte, 0, at, at + 1);
        byte[0] = (byte[0] as number) ^ 0x01;
        writeSync(fd, byte, 0, 1, at);
      } finally {
        closeSync(fd);
      }
      const found = await readBack();
      expect(found).toHaveLength(1);
      expect(found[0]).toMatch(/^\/job\/pack block 1 \(offset 4194304\): MD5 [0-9A-F]{32}, manifest [0-9A-F]{32}$/);
      // A hash list of the wrong length is named too.
      expect(await readBackDirectFile({ device, ntfsPath: '/job/pack', bytes: data.length, extents, sectorSize, hashes: hashes.slice(0, 2), pool, buffers: pool.blockBuffers(3) })).toContain('/job/pack: 2 block hashes recorded for 3 blocks');
    } finally {
      await device.close();
      await pool.close();
    }
  });
});
