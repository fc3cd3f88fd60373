// Integration: `seedship diskprep` on real loop devices, killed with SIGKILL mid-copy and resumed,
// then checked by tools that share no code with Seedship (dislocker-file, ntfs-3g, md5 of the bytes)
// against the import job the local cloud holds. Needs root and Debian's dislocker + ntfs-3g.
import { execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudProfile } from '../../shared/azure/cloud-profile';
import { createAppServices, type AppServices } from '../services/app-services';
import type { AzureGateway } from '../services/azure/azure-service';
import { localCloudAdmin } from '../services/azure/local-cloud-admin';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'bin', 'seedship.mjs');
const ENTRY = join(ROOT, 'dist', 'localcloud.mjs');
const USER = { username: 'operator@contoso.test', password: 'Rehearse-Seedship-1' };
const MiB = 1024 * 1024;
const JOB = 'seed-job-dp';
const CONTAINER = 'seedship-seed';
const RP_PATTERN = /\b\d{6}(?:-\d{6}){7}\b/;
const cleanups: (() => void)[] = [];

let work: string;
let data: string;
let staging: string;
let app: AppServices;
let profile: CloudProfile;
let azure: AzureGateway;
let drives: string[] = [];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function seedship(args: string[], input = ''): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [CLI, ...args], { env: { ...process.env, SEEDSHIP_DATA_DIR: data }, maxBuffer: 16 * MiB }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    child.stdin?.end(input);
  });
}

function loopDrive(name: string, bytes: number): string {
  const file = join(work, `${name}.img`);
  execFileSync('truncate', ['-s', String(bytes), file]);
  const device = execFileSync('losetup', ['--find', '--show', file], { encoding: 'utf8' }).trim();
  cleanups.push(() => execFileSync('losetup', ['--detach', device]));
  return device;
}

function journalLines(): { kind: string; path?: string; run?: number; serial?: string }[] {
  const dir = join(data, 'diskprep', JOB);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n.endsWith('.jsonl'))
    .flatMap((n) => readFileSync(join(dir, n), 'utf8').split('\n'))
    .filter((l) => l.trim())
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as { kind: string; path?: string; run?: number }];
      } catch {
        return [];
      }
    });
}

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex').toUpperCase();

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error('These tests attach loop devices and mount FUSE file systems: run them as root.');
  for (const tool of ['dislocker-file', 'ntfs-3g', 'losetup']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) throw new Error(`${tool} is missing: apt-get install dislocker ntfs-3g util-linux.`);
  }
  // One folder for the whole file: the tests build on each other (prepare, then check, then ship).
  work = mkdtempSync(join(tmpdir(), 'seedship-diskprep-cli-'));
  data = join(work, 'data');
  staging = join(work, 'staging');
  process.env.SEEDSHIP_LOCALCLOUD_PORT_BASE = '0';
  app = createAppServices({ dataDir: data, transport: 'cli', version: 'test', localCloudEntry: ENTRY });
  profile = await app.azure.profile();
  await app.azure.auth.signInWithDeviceCode((prompt) => {
    void localCloudAdmin(profile, 'POST', '/device-codes/approve', { userCode: prompt.userCode, ...USER });
  });
  azure = await app.azure.gateway(profile.subscriptionId as string);

  // ~600 MiB of staging: 29 "pack" files of 20 MiB + a bit, and the descriptor.
  mkdirSync(join(staging, 'repository', 'p'), { recursive: true });
  const block = randomBytes(MiB);
  for (let i = 1; i <= 29; i += 1) {
    const parts = Array.from({ length: 20 }, (_, k) => Buffer.concat([Buffer.from(`${i}:${k}`), block.subarray(8)]));
    writeFileSync(join(staging, 'repository', 'p', `pack${String(i).padStart(3, '0')}`), Buffer.concat([...parts, randomBytes(1000 * i)]));
  }
  const job = { jobName: JOB, subscriptionId: profile.subscriptionId, storageAccount: 'contosobackup', container: CONTAINER, resourceGroup: 'seedship-rg', location: 'westus2', vault: null, snapshotId: 's1', sourceBytes: 1, stagedBytes: 1, files: 29, createdAt: new Date().toISOString() };
  writeFileSync(join(staging, 'seedship-staging.json'), JSON.stringify({ format: 'seedship-staging', version: 1, repositoryId: 'r1', repository: 'repository', jobs: [job] }));
  drives = [loopDrive('drive1', 384 * MiB), loopDrive('drive2', 384 * MiB)];
}, 120_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) {
    try {
      cleanup();
    } catch {
      // keep cleaning the rest
    }
  }
  await app?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('seedship diskprep (CLI)', () => {
  it('refuses a bad email or postal code before writing anything, naming the field', async () => {
    const contact = { contactName: 'Backup Operator', phone: '+1 425 555 0100', email: 'op@contoso.test', streetAddress1: '1 Main St', city: 'Redmond', stateOrProvince: 'WA', postalCode: '98052', countryOrRegion: 'US', returnCarrier: { name: 'FedEx', accountNumber: '123456789' } };
    for (const [field, bad] of [['email', 'not-an-email'], ['postalCode', '#?!']] as const) {
      const file = join(work, `contact-${field}.json`);
      writeFileSync(file, JSON.stringify({ ...contact, [field]: bad }));
      const run = await seedship(['diskprep', `s:${staging}`, '--drive', drives[0] as string, '--yes-format', '--contact-file', file]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(field);
    }
    writeFileSync(join(work, 'contact.json'), JSON.stringify(contact));
    expect(readFileSync(drives[0] as string).subarray(0, MiB).equals(Buffer.alloc(MiB))).toBe(true);
    expect(journalLines()).toEqual([]);
  });

  it('refuses to erase without --yes-format when not at a terminal', async () => {
    const run = await seedship(['diskprep', `s:${staging}`, '--drive', drives[0] as string]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--yes-format/);
  });

  it('is killed with SIGKILL mid-copy, resumes without copying finished files again, and spans both drives', async () => {
    const args = ['diskprep', '--staging', staging, '--job', JOB, '--drive', drives[0] as string, '--drive', drives[1] as string, '--yes-format'];
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, SEEDSHIP_DATA_DIR: data }, stdio: ['pipe', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Wait (polling the journal, no fixed sleep) until two files are done, then pull the plug: the
    // drive's 19 files are written in about a second and a half, so the poll must be quick to land
    // in the middle of the copy rather than after it.
    const deadline = Date.now() + 60_000;
    while (journalLines().filter((l) => l.kind === 'file').length < 2) {
      if (Date.now() > deadline) throw new Error('The copy never got going.');
      if (child.exitCode !== null) throw new Error(`diskprep ended (${child.exitCode}) before it could be killed.`);
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill('SIGKILL');
    await exited;
    const before = journalLines().filter((l) => l.kind === 'file');
    expect(before.length).toBeGreaterThanOrEqual(2);

    const second = await seedship(args);
    expect(second.stderr + second.stdout).toMatch(/Resumed the copy/);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/Drive 1 LOOP-[0-9A-F]{12}/);
    expect(second.stdout).toMatch(/Drive 2 LOOP-[0-9A-F]{12}/);
    expect(second.stdout + second.stderr).not.toMatch(RP_PATTERN);

    const files = journalLines().filter((l) => l.kind === 'file');
    // Every file finished before the kill stays done by run 1; no file is copied twice.
    for (const f of before) expect(files.filter((g) => g.path === f.path).map((g) => g.run)).toEqual([1]);
    expect(new Set(files.map((f) => f.path)).size).toBe(files.length);
    expect(files.length).toBe(30);
  }, 150_000);

  it('creates the import job; an independent reader agrees with every block on both drives', async () => {
    const run = await seedship(['diskprep', `s:${staging}`, '--job', JOB, '--contact-file', join(work, 'contact.json')]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Import job seed-job-dp created/);
    expect(run.stdout).toMatch(/Microsoft Azure Import\/Export Service/);
    expect(run.stdout).toMatch(/Supported carriers: .*FedEx/);

    const job = await azure.importJobs.get('seedship-rg', JOB);
    const list = job.properties?.driveList ?? [];
    expect(list).toHaveLength(2);
    const keys = await azure.importJobs.bitLockerKeys('seedship-rg', JOB);
    const shipped = new Set<string>();
    for (const [i, device] of drives.entries()) {
      const serial = (await app.services.diskprep.preparedDrives({ jobName: JOB }))[i]?.serial as string;
      const entry = list.find((d) => d.driveId === serial);
      const key = keys.find((k) => k.driveId === serial)?.bitLockerKey ?? entry?.bitLockerKey;
      expect(key).toMatch(RP_PATTERN);
      const plain = join(work, `plain${i}.img`);
      const mnt = join(work, `mnt${i}`);
      mkdirSync(mnt);
      execFileSync('dislocker-file', ['-V', device, `-p${key as string}`, '--', plain], { stdio: 'pipe' });
      execFileSync('ntfs-3g', ['-o', 'ro', plain, mnt]);
      cleanups.push(() => {
        execFileSync('umount', [mnt]);
        rmSync(plain, { force: true });
      });
      const manifest = readFileSync(join(mnt, 'DriveManifest.xml'));
      expect(md5(manifest)).toBe(entry?.manifestHash?.toUpperCase());
      const text = manifest.toString('utf8');
      expect(text).toContain(`<DriveId>${serial}</DriveId>`);
      const blobs = [...text.matchAll(/<Blob>([\s\S]*?)<\/Blob>/g)].map((m) => m[1] as string);
      expect(blobs.length).toBeGreaterThan(0);
      for (const blob of blobs) {
        const blobPath = /<BlobPath>(.*)<\/BlobPath>/.exec(blob)?.[1] as string;
        const filePath = /<FilePath>(.*)<\/FilePath>/.exec(blob)?.[1] as string;
        expect(blobPath.startsWith(`${CONTAINER}/`)).toBe(true);
        const bytes = readFileSync(join(mnt, ...filePath.split('\\').filter(Boolean)));
        expect(Number(/<Length>(\d+)<\/Length>/.exec(blob)?.[1])).toBe(bytes.length);
        let expectedOffset = 0;
        for (const b of blob.matchAll(/<Block Offset="(\d+)" Length="(\d+)" Id="[^"]+" Hash="([0-9A-F]{32})"\/>/g)) {
          const [offset, length] = [Number(b[1]), Number(b[2])];
          expect(offset).toBe(expectedOffset);
          expect(length).toBeLessThanOrEqual(4 * MiB);
          expect(md5(bytes.subarray(offset, offset + length))).toBe(b[3]);
          expectedOffset += length;
        }
        expect(expectedOffset).toBe(bytes.length);
        // And it is the staging file, byte for byte.
        expect(md5(bytes)).toBe(md5(readFileSync(join(staging, ...blobPath.split('/').slice(1)))));
        shipped.add(blobPath);
      }
    }
    expect(shipped.size).toBe(30);
  }, 120_000);

  it('shows a recovery password only with --yes, and exports a shipping record without secrets', async () => {
    const [first] = await app.services.diskprep.preparedDrives({ jobName: JOB });
    const refused = await seedship(['diskprep', '--show-key', '--job', JOB, '--drive-serial', first?.serial as string]);
    expect(refused.code).toBe(2);
    expect(refused.stdout).not.toMatch(RP_PATTERN);
    const shown = await seedship(['diskprep', '--show-key', '--job', JOB, '--drive-serial', first?.serial as string, '--yes']);
    expect(shown.stdout.trim()).toMatch(RP_PATTERN);
    const out = join(work, 'record.json');
    const exported = await seedship(['diskprep', '--export', out, '--job', JOB]);
    expect(exported.code, exported.stderr).toBe(0);
    const record = readFileSync(out, 'utf8');
    expect(record).not.toMatch(RP_PATTERN);
    expect(JSON.parse(record)).toMatchObject({ format: 'seedship-shipping-record', jobName: JOB, drives: [{ serial: first?.serial }, {}] });
    const audit = app.audit.recent(200).map((e) => e.action);
    expect(audit).toEqual(expect.arrayContaining(['diskprep.drivePrepared', 'diskprep.importJobCreated', 'diskprep.revealKey']));
    expect(JSON.stringify(app.audit.recent(200))).not.toMatch(RP_PATTERN);
  });
});
