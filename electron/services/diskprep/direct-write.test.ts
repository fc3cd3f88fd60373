import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyFixups, initializeDataAttribute, mftRecordOffset, removeFixups } from '../volume/ntfs/mft-record';
import { allocateDirectFiles, writeResidentFile } from './direct-write';
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
