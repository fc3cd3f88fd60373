import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { openSync, readSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeedshipError } from '../../../shared/api/errors';
import { verifyVolume } from './open-volume';
import { prepareVolume, type PrepareVolumeResult, type VolumeProgress } from './prepare-volume';

// Real tools on real loop devices and image files (root, Debian: cryptsetup-bin, dislocker, libbde-utils, ntfs-3g).
const WORKER_DIR = join(import.meta.dirname, '..', '..', '..', 'dist', 'workers');
const MiB = 1024 * 1024;
const work = mkdtempSync(join(tmpdir(), 'seedship-bitlocker-'));
const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const cleanup of cleanups.reverse()) {
    try {
      cleanup();
    } catch {
      // keep cleaning the rest
    }
  }
  rmSync(work, { recursive: true, force: true });
});

function run(file: string, args: string[], input?: string) {
  return spawnSync(file, args, { encoding: 'utf8', input, maxBuffer: 64 * MiB });
}

/** A sparse image, attached as a loop device with the given logical sector size unless `asFile`. */
function drive(name: string, sectorSize: 512 | 4096, asFile: boolean): string {
  if (process.getuid?.() !== 0) throw new Error('These tests attach loop devices and mount FUSE file systems: run them as root.');
  const file = join(work, `${name}.img`);
  execFileSync('truncate', ['-s', String(96 * MiB), file]);
  if (asFile) return file;
  const device = execFileSync('losetup', ['--find', '--show', '--sector-size', String(sectorSize), file], { encoding: 'utf8' }).trim();
  cleanups.push(() => execFileSync('losetup', ['--detach', device]));
  return device;
}

/** A mount point that is unmounted (and removed) in afterAll even when a test fails. */
function mountDir(name: string): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  cleanups.push(() => {
    if (run('mountpoint', ['-q', dir]).status === 0) execFileSync('umount', [dir]);
  });
  return dir;
}

function listTree(root: string, skip = 'System Volume Information'): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const rel = relative(root, path);
      if (rel === skip) continue;
      if (entry.isDirectory()) walk(path);
      else out.set(rel, readFileSync(path));
    }
  };
  walk(root);
  return out;
}

/** Mounts a decrypted NTFS image read-only with ntfs-3g and checks every file against the source. */
function expectSameFiles(ntfsImage: string, source: string, name: string) {
  expect(run('ntfsfix', ['-n', ntfsImage]).status, `ntfsfix -n ${name}`).toBe(0);
  const mnt = mountDir(`mnt-${name}`);
  execFileSync('ntfs-3g', ['-o', 'ro', ntfsImage, mnt]);
  try {
    const onVolume = listTree(mnt);
    const expected = listTree(source);
    expect([...onVolume.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [rel, data] of expected) expect(onVolume.get(rel)?.equals(data), rel).toBe(true);
  } finally {
    execFileSync('umount', [mnt]);
  }
}

const source = join(work, 'source');
beforeAll(() => {
  mkdirSync(join(source, 'Copy Session 1', 'nested', 'deeper'), { recursive: true });
  writeFileSync(join(source, 'DriveManifest.xml'), '<DriveManifest Version="2014-11-01"/>');
  writeFileSync(join(source, 'empty.bin'), '');
  writeFileSync(join(source, 'Copy Session 1', 'random-5MiB.bin'), randomBytes(5 * MiB + 123));
  writeFileSync(join(source, 'Copy Session 1', 'nested', 'Ünïcødé name.txt'), 'grüße '.repeat(1000));
  writeFileSync(join(source, 'Copy Session 1', 'nested', 'deeper', 'one-sector.bin'), randomBytes(512));
});

const WRONG_PASSWORD = '111111-111111-111111-111111-111111-111111-111111-111111';

describe.each([
  { sectorSize: 512 as const, xts256: false, asFile: true },
  { sectorSize: 4096 as const, xts256: false, asFile: false },
  { sectorSize: 512 as const, xts256: true, asFile: false },
  { sectorSize: 4096 as const, xts256: true, asFile: false },
])('BitLocker volume, $sectorSize-byte sectors, XTS-256 $xts256, image file $asFile', ({ sectorSize, xts256, asFile }) => {
  const name = `s${sectorSize}-${xts256 ? 'xts256' : 'xts128'}`;
  let device: string;
  let result: PrepareVolumeResult;
  const progress: VolumeProgress[] = [];

  beforeAll(async () => {
    device = drive(name, sectorSize, asFile);
    // No sectorSize option: it must follow the loop device's logical sector size.
    result = await prepareVolume({ device, source, xts256, workerDir: WORKER_DIR, label: 'SEED', sectorSize: asFile ? sectorSize : undefined, onProgress: (p) => progress.push(p) });
  }, 120_000);

  it('reports the volume it made, with progress through every phase', () => {
    expect(result).toMatchObject({ method: xts256 ? 'XtsAes256' : 'XtsAes128', sectorSize, volumeBytes: 96 * MiB, files: 5 });
    expect(result.fileBytes).toBe([...listTree(source).values()].reduce((n, b) => n + b.length, 0));
    expect(result.recoveryPassword).toMatch(/^(\d{6}-){7}\d{6}$/);
    expect(result.encryptedBytes).toBeGreaterThan(5 * MiB);
    expect(result.encryptedBytes).toBeLessThan(20 * MiB); // used space only
    expect(new Set(progress.map((p) => p.phase))).toEqual(new Set(['format', 'copy', 'encrypt', 'finish']));
    expect(progress.at(-1)).toEqual({ phase: 'finish', doneBytes: 1, totalBytes: 1 });
  });

  it('passes cryptsetup bitlkDump and bitlkOpen --test-passphrase, and cryptsetup refuses a wrong password', () => {
    const dump = run('cryptsetup', ['bitlkDump', device]);
    expect(dump.status, dump.stderr).toBe(0);
    expect(dump.stdout).toMatch(new RegExp(`Sector size:\\s+${sectorSize} \\[bytes\\]`));
    expect(dump.stdout).toMatch(/Cipher mode:\s+xts-plain64/);
    expect(dump.stdout).toMatch(new RegExp(`Cipher key:\\s+${xts256 ? 512 : 256} bits`));
    expect(dump.stdout).toContain(result.protectorId);
    expect(dump.stdout).toContain('VMK protected with recovery passphrase');
    expect(dump.stdout).not.toContain(result.recoveryPassword);
    expect(run('cryptsetup', ['bitlkOpen', '-r', '--test-passphrase', '--key-file=-', device], result.recoveryPassword).status).toBe(0);
    expect(run('cryptsetup', ['bitlkOpen', '-r', '--test-passphrase', '--key-file=-', device], WRONG_PASSWORD).status).not.toBe(0);
  });

  it('decrypts with dislocker-file to an NTFS that passes ntfsfix -n and holds every source file; dislocker refuses a wrong password', () => {
    const out = join(work, `${name}-dislocker.img`);
    const ok = run('dislocker-file', ['-V', device, `-p${result.recoveryPassword}`, '--', out]);
    expect(ok.status, ok.stderr).toBe(0);
    cleanups.push(() => rmSync(out, { force: true }));
    expectSameFiles(out, source, `${name}-dislocker`);
    const bad = join(work, `${name}-dislocker-bad.img`);
    expect(run('dislocker-file', ['-V', device, `-p${WRONG_PASSWORD}`, '--', bad]).status).not.toBe(0);
    expect(() => statSync(bad)).toThrow();
  });

  it.runIf(!xts256)('bdeinfo shows it and bdemount serves the same NTFS (libbde 20190102 has no XTS-256)', () => {
    const info = run('bdeinfo', ['-r', result.recoveryPassword, device]);
    expect(info.status, info.stderr).toBe(0);
    expect(info.stdout).toMatch(/Encryption method\s+: AES-XTS 128-bit/);
    expect(info.stdout).toContain(result.protectorId);
    expect(info.stdout).toMatch(/Type\s+: Recovery password/);
    const mnt = mountDir(`bde-${name}`);
    execFileSync('bdemount', ['-r', result.recoveryPassword, device, mnt]);
    try {
      const copy = join(work, `${name}-bde.img`);
      copyFileSync(join(mnt, 'bde1'), copy);
      cleanups.push(() => rmSync(copy, { force: true }));
      expectSameFiles(copy, source, `${name}-bde`);
    } finally {
      execFileSync('umount', [mnt]);
    }
  });

  it("the app's own reader verifies every file, and refuses a wrong password without echoing it", async () => {
    const report = await verifyVolume({ device, recoveryPassword: result.recoveryPassword, against: source });
    expect(report).toEqual({ ok: true, method: result.method, sectorSize, files: 5, bytes: result.fileBytes, mismatches: [] });
    const error = (await verifyVolume({ device, recoveryPassword: WRONG_PASSWORD }).catch((e: unknown) => e)) as SeedshipError;
    expect(error).toBeInstanceOf(SeedshipError);
    expect(error).toMatchObject({ code: 'VALIDATION', field: 'recoveryPassword' });
    expect(error.message).not.toContain('111111');
  }, 60_000);
});

describe('tampering and interrupted conversions', () => {
  let device: string;
  let result: PrepareVolumeResult;
  beforeAll(async () => {
    device = drive('tamper', 512, true);
    result = await prepareVolume({ device, source, workerDir: WORKER_DIR });
  }, 120_000);

  /** Reads the three metadata offsets from the -FVE-FS- volume header. */
  function metadataOffsets(): number[] {
    const header = Buffer.alloc(512);
    const fd = openSync(device, 'r');
    readSync(fd, header, 0, 512, 0);
    closeSync(fd);
    return [0, 1, 2].map((i) => Number(header.readBigUInt64LE(176 + i * 8)));
  }

  function patch(offset: number, edit: (block: Buffer) => void) {
    const fd = openSync(device, 'r+');
    const area = Buffer.alloc(65536);
    readSync(fd, area, 0, area.length, offset);
    edit(area);
    writeSync(fd, area, 0, area.length, offset);
    closeSync(fd);
  }

  it('detects a metadata copy altered with a recomputed CRC-32 (which dislocker and cryptsetup would accept)', async () => {
    const [, second] = metadataOffsets() as [number, number, number];
    let original = Buffer.alloc(0);
    patch(second, (area) => {
      original = Buffer.from(area);
      const blockBytes = area.readUInt16LE(8) * 16;
      area.writeUInt16LE(5, 14); // next state: "paused" — a plausible edit
      area.writeUInt32LE(crc32(area.subarray(0, blockBytes)), blockBytes + 4);
    });
    try {
      const report = await verifyVolume({ device, recoveryPassword: result.recoveryPassword, against: source });
      expect(report.ok).toBe(false);
      expect(report.mismatches).toEqual([{ path: `(BitLocker metadata copy 2 at byte ${second})`, reason: expect.stringContaining('altered') }]);
      expect(report.files).toBe(5); // the good copies still open the volume
    } finally {
      patch(second, (area) => original.copy(area));
    }
    expect((await verifyVolume({ device, recoveryPassword: result.recoveryPassword })).ok).toBe(true);
  }, 60_000);

  it('refuses a volume whose every copy is damaged', async () => {
    const offsets = metadataOffsets();
    const originals = offsets.map(() => Buffer.alloc(0));
    offsets.forEach((offset, i) => patch(offset, (area) => {
      originals[i] = Buffer.from(area);
      area[200] = (area[200] as number) ^ 0xff;
    }));
    try {
      await expect(verifyVolume({ device, recoveryPassword: result.recoveryPassword })).rejects.toMatchObject({ code: 'VALIDATION', field: 'device' });
    } finally {
      offsets.forEach((offset, i) => patch(offset, (area) => (originals[i] as Buffer).copy(area)));
    }
  }, 60_000);

  it('a cancelled preparation leaves the volume marked "encryption in progress", with an honest encrypted size', async () => {
    const cancelled = drive('cancelled', 512, true);
    const controller = new AbortController();
    const error = await prepareVolume({
      device: cancelled,
      source,
      workerDir: WORKER_DIR,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'encrypt') controller.abort();
      },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CANCELLED' });
    const dump = run('cryptsetup', ['bitlkDump', cancelled]);
    expect(dump.status, dump.stderr).toBe(0); // well-formed metadata…
    const fd = openSync(cancelled, 'r');
    const header = Buffer.alloc(512);
    readSync(fd, header, 0, 512, 0);
    const area = Buffer.alloc(64);
    readSync(fd, area, 0, 64, Number(header.readBigUInt64LE(176)));
    closeSync(fd);
    expect(area.readUInt16LE(12)).toBe(2); // …whose current state is "switching", not "encrypted"
    expect(Number(area.readBigUInt64LE(16))).toBeLessThan(96 * MiB);
  }, 120_000);
});
