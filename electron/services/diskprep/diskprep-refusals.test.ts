// Refusals of disk prep, each with a clear message naming the field or file, and nothing written.
// A real loop device stands behind every case; the drive facts (system disk, size, mounts) are
// injected through the drive scan, as the writer's re-check would see them. Needs root.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeedshipError } from '../../../shared/api/errors';
import type { PreparedDrive } from '../../../shared/diskprep/diskprep-api';
import type { DriveFacts } from '../../../shared/drives/drive';
import { createAppServices, type AppServices } from '../app-services';
import { openDatabase } from '../store/database';
import { PreparedDriveStore } from './prepared-drive-store';

const MiB = 1024 * 1024;
const JOB = 'refusal-job';
let work: string;
let staging: string;
let device: string;
let backing: string;
let app: AppServices;
let facts: (f: DriveFacts) => DriveFacts = (f) => f;

function descriptor(jobs: string[]) {
  return JSON.stringify({
    format: 'seedship-staging',
    version: 1,
    repositoryId: 'r',
    repository: 'repository',
    jobs: jobs.map((jobName) => ({ jobName, subscriptionId: null, storageAccount: 'acct', container: 'seed', resourceGroup: 'rg', location: 'westus2', vault: null, snapshotId: 's', sourceBytes: 1, stagedBytes: 1, files: 1, createdAt: '2026-01-01T00:00:00Z' })),
  });
}

beforeAll(() => {
  if (process.getuid?.() !== 0) throw new Error('These tests attach loop devices: run them as root.');
  work = mkdtempSync(join(tmpdir(), 'seedship-diskprep-refusals-'));
  staging = join(work, 'staging');
  mkdirSync(join(staging, 'repository'), { recursive: true });
  writeFileSync(join(staging, 'repository', 'pack1'), Buffer.alloc(MiB, 7));
  writeFileSync(join(staging, 'seedship-staging.json'), descriptor([JOB]));
  backing = join(work, 'drive.img');
  execFileSync('truncate', ['-s', String(300 * MiB), backing]);
  device = execFileSync('losetup', ['--find', '--show', backing], { encoding: 'utf8' }).trim();
  const base: DriveFacts = { device, displayName: 'Rehearsal', model: null, serial: null, sizeBytes: 300 * MiB, bus: 'Loop', logicalSectorSize: 512, isSystem: false, isReadOnly: false, isRemovable: false, isUsb: false, isLoop: true, backingFile: backing, mountpoints: [] };
  app = createAppServices({ dataDir: join(work, 'data'), transport: 'cli', version: 'test', scan: async () => [facts(base)], workerDir: join(import.meta.dirname, '..', '..', '..', 'dist', 'workers') });
});

afterAll(async () => {
  await app?.close();
  execFileSync('losetup', ['--detach', device]);
  rmSync(work, { recursive: true, force: true });
});

async function refusal(promise: Promise<unknown>): Promise<SeedshipError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SeedshipError);
  // Nothing was written: the drive is still all zeros at its start.
  expect(readFileSync(backing).subarray(0, MiB).equals(Buffer.alloc(MiB))).toBe(true);
  return error as SeedshipError;
}

const prepare = (overrides: { stagingPath?: string; jobName?: string } = {}) => app.diskprep.prepare({ stagingPath: staging, jobName: JOB, device, ...overrides });

describe('disk prep refuses, naming what is wrong, and writes nothing', () => {
  it('the system disk', async () => {
    facts = (f) => ({ ...f, isSystem: true });
    expect(await refusal(prepare())).toMatchObject({ code: 'UNSAFE_DRIVE', field: 'device', message: expect.stringMatching(/operating system/) });
  });

  it('the drive holding staging', async () => {
    facts = (f) => ({ ...f, mountpoints: [{ path: work, hasFiles: true }] });
    expect(await refusal(prepare())).toMatchObject({ code: 'UNSAFE_DRIVE', field: 'device', message: expect.stringMatching(/staging location/) });
  });

  it('a drive over 10 TB', async () => {
    facts = (f) => ({ ...f, sizeBytes: 11 * 1000 ** 4 });
    expect(await refusal(prepare())).toMatchObject({ code: 'UNSAFE_DRIVE', message: expect.stringMatching(/up to 10 TB/) });
  });

  it('a missing, empty or foreign staging folder, and an unknown job', async () => {
    facts = (f) => f;
    expect(await refusal(prepare({ stagingPath: join(work, 'nowhere') }))).toMatchObject({ code: 'NOT_FOUND', field: 'stagingPath', message: expect.stringMatching(/nowhere does not exist/) });
    const empty = join(work, 'empty');
    mkdirSync(empty);
    expect(await refusal(prepare({ stagingPath: empty }))).toMatchObject({ field: 'stagingPath', message: expect.stringMatching(/has no seedship-staging\.json/) });
    const foreign = join(work, 'foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'seedship-staging.json'), JSON.stringify({ format: 'someone-else', jobs: 3 }));
    expect(await refusal(prepare({ stagingPath: foreign }))).toMatchObject({ code: 'VALIDATION', field: 'stagingPath', message: expect.stringContaining(join(foreign, 'seedship-staging.json')) });
    expect(await refusal(prepare({ jobName: 'other-job' }))).toMatchObject({ code: 'NOT_FOUND', field: 'jobName', message: expect.stringMatching(/has no import job other-job \(it has: refusal-job\)/) });
  });

  it('a file larger than the drive (files are never split)', async () => {
    const big = join(work, 'big-staging');
    mkdirSync(big);
    writeFileSync(join(big, 'seedship-staging.json'), descriptor([JOB]));
    execFileSync('truncate', ['-s', String(400 * MiB), join(big, 'huge.pack')]);
    expect(await refusal(prepare({ stagingPath: big }))).toMatchObject({ code: 'VALIDATION', field: 'device', message: expect.stringMatching(/huge\.pack .* larger than .* never split/) });
  });

  it('a typed confirmation that is not the device', async () => {
    expect(await refusal(app.services.diskprep.start({ stagingPath: staging, jobName: JOB, device, confirmation: '/dev/sda' }))).toMatchObject({ code: 'VALIDATION', field: 'confirmation' });
  });

  it('an 11th drive', async () => {
    const store = new PreparedDriveStore(openDatabase(join(work, 'data')));
    for (let i = 1; i <= 10; i += 1) {
      const drive: PreparedDrive = { jobName: JOB, index: i, serial: `SER${i}`, device: `/dev/fake${i}`, sizeBytes: 1, sessionFolder: `${JOB}-${i}`, files: 1, bytes: 1, manifestHash: '0'.repeat(32), driveHeaderHash: '', protectorId: 'x', method: 'XtsAes128', preparedAt: '', verifiedAt: '' };
      store.saveDrive(drive);
    }
    expect(await refusal(prepare())).toMatchObject({ code: 'VALIDATION', field: 'device', message: expect.stringMatching(/at most 10/) });
    expect(await refusal(app.diskprep.plan(staging, JOB, [device]))).toMatchObject({ field: 'devices', message: expect.stringMatching(/limit of 10 drives/) });
  });
});
