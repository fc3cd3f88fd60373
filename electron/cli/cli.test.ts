import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DriveListSchema } from '../../shared/drives/drive';

const BIN = join(__dirname, '..', '..', 'bin', 'seedship.mjs');
const dataDir = mkdtempSync(join(tmpdir(), 'seedship-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function seedship(...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args, ...(['drives', 'cloud', 'auth'].includes(args[0] ?? '') ? ['--data-dir', dataDir] : [])], { encoding: 'utf8' });
}

describe('seedship CLI', () => {
  it('--help lists the commands', () => {
    const run = seedship('--help');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/drives\s+list drives/);
    expect(run.stdout).toMatch(/start\s+start the app/);
  });

  it('an unknown command or option exits 2 and says what was wrong', () => {
    const unknown = seedship('frobnicate');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    const badOption = seedship('drives', '--format-everything');
    expect(badOption.status).toBe(2);
    expect(badOption.stderr).toContain("Unknown option '--format-everything'");
  });

  it('drives --json --include-loop lists a real loop device with its size and verdict', () => {
    if (process.getuid?.() !== 0) throw new Error('This test attaches a loop device with losetup, which needs root.');
    const dir = mkdtempSync(join(tmpdir(), 'seedship-cli-loop-'));
    const file = join(dir, 'drive.img');
    execFileSync('truncate', ['-s', '300M', file]);
    const device = execFileSync('losetup', ['--find', '--show', file], { encoding: 'utf8' }).trim();
    try {
      const run = seedship('drives', '--json', '--include-loop');
      expect(run.status, run.stderr).toBe(0);
      const list = DriveListSchema.parse(JSON.parse(run.stdout));
      const drive = list.drives.find((d) => d.device === device);
      expect(drive).toMatchObject({ sizeBytes: 300 * 1024 * 1024, bus: 'Loop', isLoop: true, backingFile: file, status: 'ok' });
      expect(list.drives.some((d) => d.isSystem)).toBe(false);
      expect(list.hidden.some((h) => h.issues.some((i) => i.code === 'system-drive'))).toBe(true);

      const table = seedship('drives', '--include-loop');
      expect(table.stdout).toMatch(new RegExp(`${device}\\s+300 MiB\\s+Loop`));
      expect(seedship('drives').stdout).not.toContain(device);
    } finally {
      execFileSync('losetup', ['--detach', device]);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('cloud start runs the local cloud in the foreground; cloud clock moves its clock two weeks on', async () => {
    const cloud = spawn(process.execPath, [BIN, 'cloud', 'start', '--port-base', '0', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const printed = await new Promise<string>((resolve, reject) => {
        let out = '';
        cloud.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('Local cloud is ready.')) resolve(out);
        });
        cloud.once('exit', (code) => reject(new Error(`cloud start exited ${code}: ${out}`)));
      });
      for (const endpoint of ['identity', 'arm', 'graph', 'blob', 'admin', 'profile']) expect(printed).toMatch(new RegExp(`^${endpoint}\\s+\\S+`, 'm'));
      const clock = seedship('cloud', 'clock', '--advance', '15d');
      expect(clock.status, clock.stderr).toBe(0);
      expect(clock.stdout).toContain('15.00 days ahead');
      const bad = seedship('cloud', 'clock', '--advance', 'soon');
      expect(bad.status).toBe(1);
      expect(bad.stderr).toContain('not a duration');
    } finally {
      const exited = new Promise((resolve) => cloud.once('exit', resolve));
      cloud.kill('SIGINT');
      await exited;
    }
  }, 60_000);
});
