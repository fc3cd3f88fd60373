import { execFile, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultKeyProvider, SecretBox } from '../services/secrets/secret-box';
import { AuditLog } from '../services/store/audit-log';
import { openDatabase } from '../services/store/database';
import { DocumentStore } from '../services/store/document-store';
import { RecoveryPasswordVault } from '../services/volume/recovery-password-vault';
import { tempDirs } from '../services/backup/testing/temp-dirs';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'bin', 'seedship.mjs');
const PASSWORD_PATTERN = /\b\d{6}(?:-\d{6}){7}\b/g;
const temp = tempDirs();

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the bundled CLI without a terminal (stdin is a pipe, closed after `input`). */
function seedship(args: string[], dataDir: string, input = ''): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [CLI, ...args], { env: { ...process.env, SEEDSHIP_DATA_DIR: dataDir }, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    child.stdin?.end(input);
  });
}

function workspace(prefix: string): { dir: string; data: string; source: string; image: string } {
  const dir = temp(prefix);
  const source = join(dir, 'source');
  mkdirSync(join(source, 'reports', '2026'), { recursive: true });
  writeFileSync(join(source, 'photo.raw'), randomBytes(3 * 1024 * 1024 + 123));
  writeFileSync(join(source, 'reports', '2026', 'q1.txt'), 'quarterly numbers\n');
  writeFileSync(join(source, 'empty.txt'), '');
  const image = join(dir, 'drive.img');
  writeFileSync(image, '');
  truncateSync(image, 64 * 1024 * 1024);
  return { dir, data: join(dir, 'data'), source, image };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map((name) => join(dir, String(name)))
    .filter((path) => statSync(path).isFile());
}

describe('seedship volume (CLI)', () => {
  it('names the option at fault in argument errors', async () => {
    const { data, source, image } = workspace('volume-args');
    const cases: [string[], RegExp][] = [
      [['volume'], /prepare or verify/],
      [['volume', 'shrink'], /unknown action "shrink"/],
      [['volume', 'prepare', '--source', source], /--device/],
      [['volume', 'prepare', '--device', image], /--source/],
      [['volume', 'prepare', '--device', image, '--source', join(source, 'nope')], /--source: .* is not a folder/],
      [['volume', 'prepare', '--device', image, '--source', source, '--sector-size', '1024'], /--sector-size must be 512 or 4096, not "1024"/],
      [['volume', 'prepare', '--device', image, '--source', source, '--label', 'x;rm -rf'], /--label may have/],
      [['volume', 'prepare', '--device', image, '--source', source, '--bogus'], /--bogus/],
      [['volume', 'verify', '--device', image], /--recovery-password/],
      [['volume', 'verify', '--device', image, '--recovery-password', '123456-654321'], /--recovery-password must be 8 groups of 6 digits/],
    ];
    for (const [args, message] of cases) {
      const run = await seedship(args, data);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
    }
    // A malformed password is not repeated back.
    expect((await seedship(['volume', 'verify', '--device', image, '--recovery-password', '123456-654321'], data)).stderr).not.toContain('654321');
  });

  it('refuses to erase without --yes when no one can be asked, and drives that are in use', async () => {
    const { dir, data, source, image } = workspace('volume-refuse');
    const before = readFileSync(image).subarray(0, 1024 * 1024);
    const noYes = await seedship(['volume', 'prepare', '--device', image, '--source', source], data);
    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toContain(`refusing to erase ${image} without --yes`);

    // An image inside Seedship's own data folder.
    mkdirSync(data, { recursive: true });
    const inData = join(data, 'drive.img');
    writeFileSync(inData, '');
    truncateSync(inData, 64 * 1024 * 1024);
    const ownData = await seedship(['volume', 'prepare', '--device', inData, '--source', source, '--yes'], data);
    expect(ownData.code).toBe(1);
    expect(ownData.stderr).toMatch(/inside Seedship's data folder/);

    // A mounted drive (a loop device with a file system, mounted). No --yes: a refusal that came
    // too late would still stop at the confirmation.
    const disk = join(dir, 'mounted.img');
    writeFileSync(disk, '');
    truncateSync(disk, 300 * 1024 * 1024);
    execFileSync('mkfs.ext4', ['-q', '-F', disk]);
    const loop = execFileSync('losetup', ['--find', '--show', disk], { encoding: 'utf8' }).trim();
    const mountpoint = join(dir, 'mnt');
    mkdirSync(mountpoint);
    try {
      execFileSync('mount', [loop, mountpoint]);
      writeFileSync(join(mountpoint, 'keep.txt'), 'precious\n');
      try {
        const mounted = await seedship(['volume', 'prepare', '--device', loop, '--source', source], data);
        expect(mounted.code).toBe(1);
        expect(mounted.stderr).toContain(`mounted at ${mountpoint}`);
        // The image backing that mounted loop device is refused too.
        const backing = await seedship(['volume', 'prepare', '--device', disk, '--source', source, '--yes'], data);
        expect(backing.code).toBe(1);
        expect(backing.stderr).toContain(`backs ${loop}, which is mounted at ${mountpoint}`);
      } finally {
        execFileSync('umount', [mountpoint]);
      }
    } finally {
      execFileSync('losetup', ['-d', loop]);
    }

    // The disk the system runs from.
    const rootSource = execFileSync('findmnt', ['-no', 'SOURCE', '/'], { encoding: 'utf8' }).trim();
    if (rootSource.startsWith('/dev/')) {
      const parent = execFileSync('lsblk', ['-no', 'PKNAME', rootSource], { encoding: 'utf8' }).trim();
      const systemDisk = parent ? `/dev/${parent}` : rootSource;
      const system = await seedship(['volume', 'prepare', '--device', systemDisk, '--source', source], data);
      expect(system.code).toBe(1);
      expect(system.stderr).toMatch(/operating system/);
    }
    expect(readFileSync(image).subarray(0, 1024 * 1024).equals(before)).toBe(true);
  }, 60_000);

  it('prepares a 64 MiB image, prints the recovery password once, keeps it sealed, and verifies against the source', async () => {
    const { data, source, image } = workspace('volume-e2e');
    const prepared = await seedship(['volume', 'prepare', '--device', image, '--source', source, '--label', 'Seed 1', '--sector-size', '4096', '--yes'], data);
    expect(prepared.code, prepared.stderr).toBe(0);
    expect(prepared.stdout).toMatch(/Prepared .*drive\.img: NTFS "Seed 1", BitLocker XTS-AES-128, 4096-byte sectors, 3 files/);
    const passwords = prepared.stdout.match(PASSWORD_PATTERN) ?? [];
    expect(passwords).toHaveLength(1);
    const password = passwords[0] as string;
    expect(prepared.stdout).toContain('BitLocker recovery password');
    expect(prepared.stderr).not.toContain(password);

    // Nowhere in the data folder as text: not in the log, the audit trail or the database.
    for (const file of filesUnder(data)) expect(readFileSync(file, 'latin1').includes(password), file).toBe(false);
    // …but kept sealed, under the recovery key ID and label; the audit trail has the drive, not the password.
    const protectorId = /Recovery key ID: (\S+)/.exec(prepared.stdout)?.[1] as string;
    const db = openDatabase(data);
    try {
      const finished = new AuditLog(db, 'test').recent().find((e) => e.action === 'volume.prepare.finished');
      expect(finished?.target).toBe(image);
      expect(JSON.parse(finished?.details ?? '{}')).toMatchObject({ method: 'XtsAes128', sectorSize: 4096, protectorId, label: 'Seed 1', files: 3 });
      const stored = new RecoveryPasswordVault(new DocumentStore(db), new SecretBox(defaultKeyProvider(data))).get(protectorId, 'Seed 1');
      expect(stored?.recoveryPassword).toBe(password);
    } finally {
      db.close();
    }

    // The password from stdin (out of the shell's history); every file equals the source.
    const verified = await seedship(['volume', 'verify', '--device', image, '--recovery-password', '-', '--against', source], data, `${password}\n`);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/Method: XtsAes128\nSector size: 4096 bytes\nFiles: 3 /);
    expect(verified.stdout).toContain(`OK: every file equals ${source}.`);

    // A source that differs: named mismatches and exit code 1.
    appendFileSync(join(source, 'reports', '2026', 'q1.txt'), 'restated\n');
    const mismatched = await seedship(['volume', 'verify', '--device', image, '--recovery-password', password, '--against', source], data);
    expect(mismatched.code).toBe(1);
    expect(mismatched.stdout).toMatch(/MISMATCH reports\/2026\/q1\.txt: size differs/);

    // A wrong password (valid checksum, other key) is refused.
    const wrong = '111111-111111-111111-111111-111111-111111-111111-111111';
    const refused = await seedship(['volume', 'verify', '--device', image, '--recovery-password', wrong], data);
    expect(refused.code).not.toBe(0);
    expect(refused.stdout).not.toMatch(/OK/);

    for (const file of filesUnder(data)) expect(readFileSync(file, 'latin1').includes(password), file).toBe(false);
  }, 120_000);

  it('Ctrl-C cancels a prepare midway: exit 130, the drive reported unusable, no recovery password printed', async () => {
    const { data, source, image } = workspace('volume-cancel');
    for (let i = 0; i < 6; i += 1) writeFileSync(join(source, `big-${i}.bin`), randomBytes(48 * 1024 * 1024));
    truncateSync(image, 512 * 1024 * 1024);
    const child = spawn(process.execPath, [CLI, 'volume', 'prepare', '--device', image, '--source', source, '--yes'], { env: { ...process.env, SEEDSHIP_DATA_DIR: data } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const code = await new Promise<number | null>((resolve) => {
      // Progress lines come every two seconds when not on a terminal: the first one means work is under way.
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        // Once, as one Ctrl-C: a second one stops the process outright.
        if (!child.killed && /copying|encrypting/.test(stderr)) child.kill('SIGINT');
      });
      child.on('exit', resolve);
    });
    expect(code).toBe(130);
    expect(stderr).toMatch(/cancelled; .*drive\.img is not a usable drive until it is prepared again/);
    expect(stdout).not.toMatch(PASSWORD_PATTERN);
  }, 120_000);
});
