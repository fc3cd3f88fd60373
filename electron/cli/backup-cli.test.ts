import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { describeTree, makeOddTree } from '../services/backup/testing/odd-tree';
import { tempDirs } from '../services/backup/testing/temp-dirs';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'bin', 'seedship.mjs');
const PASSPHRASE = 'a passphrase for the CLI tests';

const temp = tempDirs();

function passphraseFile(dir: string, text = PASSPHRASE): string {
  const file = join(dir, 'passphrase.txt');
  writeFileSync(file, `${text}\n`, { mode: 0o600 });
  return file;
}

function seedship(args: string[], dataDir: string, extra: { user?: number } = {}) {
  const command = extra.user === undefined ? [process.execPath, CLI, ...args] : ['setpriv', `--reuid=${extra.user}`, `--regid=${extra.user}`, '--clear-groups', process.execPath, CLI, ...args];
  return run(command[0] as string, command.slice(1), { env: { ...process.env, SEEDSHIP_DATA_DIR: dataDir }, maxBuffer: 16 * 1024 * 1024 });
}

function packCount(staging: string): number {
  const packs = join(staging, 'seedship-repository', 'packs');
  if (!existsSync(packs)) return 0;
  return readdirSync(packs, { recursive: true }).filter((n) => String(n).endsWith('.pack')).length;
}

describe('seedship backup and restore (CLI)', () => {
  it('after kill -9 midway, the next backup reuses the finished packs, completes and restores bit-identical', async () => {
    const work = temp('cli');
    const source = join(work, 'photos');
    mkdirSync(source);
    for (let i = 0; i < 12; i += 1) writeFileSync(join(source, `raw-${i}.bin`), randomBytes(24 * 1024 * 1024));
    const staging = join(work, 'staging');
    const dataDir = join(work, 'data');
    const pass = passphraseFile(work);
    const args = ['backup', '--source', source, '--staging', staging, '--job', 'seed-crash', '--passphrase-file', pass];
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, SEEDSHIP_DATA_DIR: dataDir }, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    // Wait (no fixed sleep) until a few packs are complete, then pull the plug.
    while (packCount(staging) < 3) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await exited;
    expect(existsSync(join(staging, 'seedship-repository', 'snapshots'))).toBe(false);
    const before = packCount(staging);

    const statsFile = join(work, 'stats.json');
    const { stdout } = await seedship([...args, '--stats-json', statsFile], dataDir);
    expect(stdout).toMatch(/Snapshot [0-9a-f-]{36}: 12 files/);
    const stats = JSON.parse(readFileSync(statsFile, 'utf8')) as { bytesWritten: number; bytesRead: number };
    // What the killed run finished was kept: the second run wrote less than everything.
    expect(stats.bytesWritten).toBeLessThan(stats.bytesRead - (before - 1) * 15 * 1024 * 1024);

    const to = join(work, 'restored');
    await seedship(['restore', '--staging', staging, '--to', to, '--passphrase-file', pass], join(work, 'other-machine'));
    expect(describeTree(join(to, 'photos'))).toEqual(describeTree(source));
  }, 180_000);

  it('reports unreadable files and folders (run as an ordinary user) and backs up the rest', async () => {
    const work = temp('cli-user');
    chmodSync(work, 0o755);
    const source = join(work, 'shared');
    makeOddTree(source);
    writeFileSync(join(source, 'locked.txt'), 'not for nobody\n', { mode: 0o000 });
    mkdirSync(join(source, 'locked-folder'), { mode: 0o000 });
    // `private` is 0700 root in the odd tree: also unreadable for an ordinary user.
    const staging = join(work, 'staging');
    const dataDir = join(work, 'data');
    for (const dir of [staging, dataDir]) {
      mkdirSync(dir);
      chownSync(dir, 65534, 65534);
    }
    const pass = passphraseFile(work);
    chmodSync(pass, 0o644);
    const { stdout } = await seedship(['backup', '--source', source, '--staging', staging, '--job', 'seed-user', '--passphrase-file', pass], dataDir, { user: 65534 });
    expect(stdout).toContain(`${join(source, 'locked.txt')}: permission denied`);
    expect(stdout).toContain(`${join(source, 'locked-folder')}: permission denied`);
    expect(stdout).toContain(`${join(source, 'private')}: permission denied`);
    const to = join(work, 'restored');
    await seedship(['restore', '--staging', staging, '--to', to, '--passphrase-file', pass], join(work, 'root-data'));
    expect(readFileSync(join(to, 'shared', 'notes.txt'), 'utf8')).toContain('Seedship restores this exactly.');
    expect(existsSync(join(to, 'shared', 'locked.txt'))).toBe(false);
  }, 120_000);

  it('a wrong passphrase and bad arguments are clear errors', async () => {
    const work = temp('cli-bad');
    const source = join(work, 'docs');
    mkdirSync(source);
    writeFileSync(join(source, 'a.txt'), 'a\n');
    const staging = join(work, 'staging');
    const dataDir = join(work, 'data');
    await seedship(['backup', '--source', source, '--staging', staging, '--job', 'seed-bad', '--passphrase-file', passphraseFile(work)], dataDir);
    const wrong = join(work, 'wrong');
    mkdirSync(wrong);
    await expect(seedship(['restore', '--staging', staging, '--to', join(work, 'out'), '--passphrase-file', passphraseFile(wrong, 'not the right passphrase at all')], join(work, 'fresh'))).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('That passphrase does not open this backup'),
    });
    await expect(seedship(['backup', '--source', source, '--staging', staging, '--job', 'Bad_Name'], dataDir)).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--job: An import job name starts with a lowercase letter') });
    await expect(seedship(['backup', '--source', source, '--staging', staging, '--job', 'seed-bad', '--passphrase-file', passphraseFile(wrong, 'short')], dataDir)).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('does not open this backup') });
  }, 120_000);
});
