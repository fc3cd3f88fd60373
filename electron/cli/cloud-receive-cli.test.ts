// Integration: `seedship cloud receive` (the local cloud's Import/Export datacenter) on drives that the
// real `seedship diskprep` prepared on loop devices. The datacenter unlocks them with dislocker, reads
// them with ntfs-3g, and copies into Azurite; the test checks the job through the Import/Export API and
// the blobs through the storage API. Needs root and Debian's dislocker + ntfs-3g.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
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
const JOB = 'seed-job-dc';
const RG = 'seedship-rg';
const ACCOUNT = 'contosobackup';
const CONTAINER = 'seedship-receive';
const cleanups: (() => void)[] = [];

let work: string;
let data: string;
let staging: string;
let app: AppServices;
let profile: CloudProfile;
let azure: AzureGateway;
let blobs: BlobServiceClient;
let devices: string[] = [];
/** Serial, key and manifest hash of each prepared drive, in the order of `devices`. */
let prepared: { serial: string; key: string; manifestHash: string }[] = [];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function seedship(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, SEEDSHIP_DATA_DIR: data }, maxBuffer: 16 * MiB }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

function loopDrive(name: string, bytes: number): string {
  const file = join(work, `${name}.img`);
  execFileSync('truncate', ['-s', String(bytes), file]);
  const device = execFileSync('losetup', ['--find', '--show', file], { encoding: 'utf8' }).trim();
  cleanups.push(() => execFileSync('losetup', ['--detach', device]));
  return device;
}

const storageAccountId = () => `/subscriptions/${profile.subscriptionId as string}/resourceGroups/${RG}/providers/Microsoft.Storage/storageAccounts/${ACCOUNT}`;
const returnAddress = { recipientName: 'Backup Operator', streetAddress1: '1 Main St', city: 'Redmond', stateOrProvince: 'WA', postalCode: '98052', countryOrRegion: 'US', phone: '+1 425 555 0100', email: 'op@contoso.test' };
const shipDate = () => new Date().toISOString().slice(0, 10);

/** Ships a job as the operator would: carrier, tracking number, state Shipping. */
async function ship(jobName: string, trackingNumber: string, extra: Record<string, unknown> = {}): Promise<void> {
  await azure.importJobs.update(RG, jobName, { deliveryPackage: { carrierName: 'FedEx', trackingNumber, driveCount: 2, shipDate: shipDate() }, state: 'Shipping', ...extra });
}

/** A job over the same prepared drives, with the drive list given (to plant a wrong key or hash). */
async function createJob(jobName: string, trackingNumber: string, driveList: { driveId: string; bitLockerKey: string; manifestHash: string }[]): Promise<void> {
  await azure.importJobs.create(RG, jobName, {
    location: 'westus2',
    properties: {
      storageAccountId: storageAccountId(),
      jobType: 'Import',
      returnAddress,
      returnShipping: { carrierName: 'FedEx', carrierAccountNumber: '123456789' },
      diagnosticsPath: 'waimportexport',
      logLevel: 'Error',
      driveList: driveList.map((d) => ({ ...d, manifestFile: '\\DriveManifest.xml' })),
    },
  });
  await ship(jobName, trackingNumber);
}

async function download(container: string, name: string): Promise<Buffer> {
  return blobs.getContainerClient(container).getBlobClient(name).downloadToBuffer();
}

function logName(uri: string | undefined): string {
  expect(uri).toBeDefined();
  const path = new URL(uri as string).pathname.split('/').slice(2); // /<account>/<container>/<name>
  expect(path[0]).toBe('waimportexport');
  return path.slice(1).join('/');
}

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error('These tests attach loop devices and mount FUSE file systems: run them as root.');
  for (const tool of ['dislocker-fuse', 'dislocker-file', 'ntfs-3g', 'losetup']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) throw new Error(`${tool} is missing: apt-get install dislocker ntfs-3g util-linux.`);
  }
  work = mkdtempSync(join(tmpdir(), 'seedship-receive-cli-'));
  data = join(work, 'data');
  staging = join(work, 'staging');
  process.env.SEEDSHIP_LOCALCLOUD_PORT_BASE = '0';
  app = createAppServices({ dataDir: data, transport: 'cli', version: 'test', localCloudEntry: ENTRY });
  profile = await app.azure.profile();
  await app.azure.auth.signInWithDeviceCode((prompt) => {
    void localCloudAdmin(profile, 'POST', '/device-codes/approve', { userCode: prompt.userCode, ...USER });
  });
  azure = await app.azure.gateway(profile.subscriptionId as string);
  const keys = JSON.parse(readFileSync(join(data, 'localcloud', 'storage-keys.json'), 'utf8')) as Record<string, string>;
  blobs = new BlobServiceClient(profile.blobEndpointTemplate.replace('{account}', ACCOUNT), new StorageSharedKeyCredential(ACCOUNT, keys[ACCOUNT] as string));

  // Drives of 256 MiB (Seedship's smallest) hold ~220 MiB each: a 200 MiB pack and a few small files
  // fill the first, a 60 MiB pack (too big for what is left) goes to the second.
  mkdirSync(join(staging, 'repository', 'p'), { recursive: true });
  const file = (name: string, bytes: number) => {
    const fd = openSync(join(staging, 'repository', 'p', name), 'w');
    for (let left = bytes; left > 0; left -= MiB) writeSync(fd, randomBytes(Math.min(MiB, left)));
    closeSync(fd);
  };
  file('pack001', 200 * MiB + 12_345);
  file('pack002', 60 * MiB + 777);
  file('pack003', 1_000);
  file('pack004', 0);
  const job = { jobName: JOB, subscriptionId: profile.subscriptionId, storageAccount: ACCOUNT, container: CONTAINER, resourceGroup: RG, location: 'westus2', vault: null, snapshotId: 's1', sourceBytes: 1, stagedBytes: 1, files: 4, createdAt: new Date().toISOString() };
  writeFileSync(join(staging, 'seedship-staging.json'), JSON.stringify({ format: 'seedship-staging', version: 1, repositoryId: 'r1', repository: 'repository', jobs: [job] }));
  writeFileSync(join(work, 'contact.json'), JSON.stringify({ contactName: 'Backup Operator', phone: '+1 425 555 0100', email: 'op@contoso.test', streetAddress1: '1 Main St', city: 'Redmond', stateOrProvince: 'WA', postalCode: '98052', countryOrRegion: 'US', returnCarrier: { name: 'FedEx', accountNumber: '123456789' } }));
  devices = [loopDrive('drive1', 256 * MiB), loopDrive('drive2', 256 * MiB)];

  const prep = await seedship(['diskprep', `s:${staging}`, '--job', JOB, '--drive', devices[0] as string, '--drive', devices[1] as string, '--yes-format', '--contact-file', join(work, 'contact.json')]);
  if (prep.code !== 0) throw new Error(`diskprep failed: ${prep.stderr}`);
  const created = await azure.importJobs.get(RG, JOB);
  const jobKeys = await azure.importJobs.bitLockerKeys(RG, JOB);
  const drives = await app.services.diskprep.preparedDrives({ jobName: JOB });
  prepared = devices.map((device) => {
    const serial = drives.find((d) => d.device === device)?.serial as string;
    const listed = created.properties?.driveList?.find((d) => d.driveId === serial);
    return { serial, key: jobKeys.find((k) => k.driveId === serial)?.bitLockerKey as string, manifestHash: listed?.manifestHash as string };
  });
  expect(prepared.every((p) => p.serial && p.key && p.manifestHash)).toBe(true);
}, 240_000);

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

describe('seedship cloud receive (the local datacenter)', () => {
  it('refuses a job that is not Shipping yet, and a drive the job does not list', async () => {
    const early = await seedship(['cloud', 'receive', '--job', JOB, '--drive', devices[0] as string, '--drive', devices[1] as string]);
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/Creating.*tracking number|tracking number.*Creating/);
    expect((await azure.importJobs.get(RG, JOB)).properties?.state).toBe('Creating');

    await ship(JOB, 'TRK-DC-0001', { logLevel: 'Verbose' });
    const stranger = join(work, 'stranger.img');
    execFileSync('truncate', ['-s', String(MiB), stranger]);
    const wrong = await seedship(['cloud', 'receive', '--job', JOB, '--drive', devices[0] as string, '--drive', stranger]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/stranger\.img \(serial IMG-[0-9A-F]{12}\) is not in the job seed-job-dc/);
    const job = await azure.importJobs.get(RG, JOB);
    expect(job.properties?.state).toBe('Shipping');
    expect(job.properties?.driveList?.map((d) => d.state)).toEqual(['Specified', 'Specified']);
  });

  it('receives a prepared 2-drive job: both drives Completed, the job Completed, every blob equal to staging', async () => {
    const run = await seedship(['cloud', 'receive', '--job', JOB, '--drive', devices[0] as string, '--drive', devices[1] as string]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Drive ${prepared[0]?.serial as string} (${devices[0] as string}): Completed, Completed`);
    expect(run.stdout).toContain(`Drive ${prepared[1]?.serial as string} (${devices[1] as string}): Completed, Completed`);
    expect(run.stdout).toContain(`Import job ${JOB}: Completed`);

    const job = await azure.importJobs.get(RG, JOB);
    expect(job.properties?.state).toBe('Completed');
    expect(job.properties?.percentComplete).toBe(100);
    const list = job.properties?.driveList ?? [];
    expect(list.map((d) => [d.state, d.copyStatus, d.percentComplete])).toEqual([
      ['Completed', 'Completed', 100],
      ['Completed', 'Completed', 100],
    ]);
    expect(list.every((d) => d.errorLogUri === undefined && d.manifestUri !== undefined)).toBe(true);

    // Every staging file is a blob in the job's storage account, byte for byte.
    const names = ['pack001', 'pack002', 'pack003', 'pack004'].map((n) => `repository/p/${n}`).concat('seedship-staging.json');
    for (const name of names) {
      const blob = await download(CONTAINER, name);
      expect(blob.equals(readFileSync(join(staging, name))), name).toBe(true);
    }
    const bytes = names.reduce((n, name) => n + readFileSync(join(staging, name)).length, 0);
    expect((list[0]?.bytesSucceeded ?? 0) + (list[1]?.bytesSucceeded ?? 0)).toBe(bytes);

    // The verbose log (the job asked for Verbose) lists every blob of the drive as Completed.
    for (const drive of list) {
      const name = logName(drive.verboseLogUri);
      expect(name).toMatch(new RegExp(`^waies/${JOB}_${drive.driveId}_\\d{8}-\\d{6}-\\d{3}_verbose\\.xml$`));
      const log = (await download('waimportexport', name)).toString('utf8');
      expect(log).toContain(`<DriveId>${drive.driveId}</DriveId>`);
      expect(log).toContain('<Status>Completed</Status>');
      expect(log).not.toMatch(/Status="(?!Completed|Created|Overwritten)/);
    }
    const pack001 = (await download('waimportexport', logName(list.find((d) => d.driveId === prepared[0]?.serial)?.verboseLogUri))).toString('utf8');
    expect(pack001).toContain(`<BlobPath>${CONTAINER}/repository/p/pack001</BlobPath>`);

    // A finished job stays finished: no second receipt, no state moving backwards.
    const again = await seedship(['cloud', 'receive', '--job', JOB, '--drive', devices[0] as string]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/it is Completed/);
    await expect(localCloudAdmin(profile, 'POST', `/datacenter/jobs/${profile.subscriptionId as string}/${RG}/${JOB}/progress`, { state: 'Transferring' })).rejects.toThrow(/is Completed; it can't become Transferring/);
  }, 180_000);

  it('ends CompletedMoreInfo with ManifestCorrupted for a wrong manifest hash and BitLockerKeyInvalid for a wrong key; the job Closed', async () => {
    const [one, two] = prepared as [(typeof prepared)[0], (typeof prepared)[0]];
    const flipped = one.manifestHash.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    // A recovery password of the right form that is not this drive's.
    const wrongKey = Array.from({ length: 8 }, (_, i) => String(11 * (1000 + i)).padStart(6, '0')).join('-');
    await createJob('seed-job-dc-bad', 'TRK-DC-0002', [
      { driveId: one.serial, bitLockerKey: one.key, manifestHash: flipped },
      { driveId: two.serial, bitLockerKey: wrongKey, manifestHash: two.manifestHash },
    ]);
    const run = await seedship(['cloud', 'receive', '--job', 'seed-job-dc-bad', '--drive', devices[0] as string, '--drive', devices[1] as string]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Drive ${one.serial} (${devices[0] as string}): CompletedMoreInfo, ManifestCorrupted`);
    expect(run.stdout).toContain(`Drive ${two.serial} (${devices[1] as string}): CompletedMoreInfo, BitLockerKeyInvalid`);
    expect(run.stdout).toContain('Import job seed-job-dc-bad: Closed');

    const job = await azure.importJobs.get(RG, 'seed-job-dc-bad');
    expect(job.properties?.state).toBe('Closed');
    const list = job.properties?.driveList ?? [];
    expect(list.map((d) => [d.state, d.copyStatus])).toEqual([
      ['CompletedMoreInfo', 'ManifestCorrupted'],
      ['CompletedMoreInfo', 'BitLockerKeyInvalid'],
    ]);
    // logLevel Error: only the error logs.
    expect(list.every((d) => d.verboseLogUri === undefined)).toBe(true);
    const corrupted = (await download('waimportexport', logName(list[0]?.errorLogUri))).toString('utf8');
    expect(corrupted).toContain('<Status>ManifestCorrupted</Status>');
    const badKey = (await download('waimportexport', logName(list[1]?.errorLogUri))).toString('utf8');
    expect(badKey).toContain('<Status>BitLockerKeyInvalid</Status>');
    expect(mountsLeft()).toEqual([]);
  }, 120_000);

  it('finds a block damaged after prep: the block Corrupted, the blob not committed, the drive CompletedMoreInfo', async () => {
    const two = prepared[1] as (typeof prepared)[0];
    // Find where pack002's data sits on drive 2 (through an independent decryption), then flip one
    // byte of the ciphertext there: XTS garbles that whole sector of plaintext.
    const plain = join(work, 'plain2.img');
    execFileSync('dislocker-file', ['-V', devices[1] as string, `-p${two.key}`, '--', plain], { stdio: 'pipe' });
    const needle = readFileSync(join(staging, 'repository', 'p', 'pack002')).subarray(5 * MiB + 100, 5 * MiB + 164);
    const at = readFileSync(plain).indexOf(needle);
    rmSync(plain);
    expect(at).toBeGreaterThan(0);
    const fd = openSync(devices[1] as string, 'r+');
    const byte = Buffer.alloc(1);
    readSync(fd, byte, 0, 1, at);
    byte[0] = (byte[0] as number) ^ 0xff;
    writeSync(fd, byte, 0, 1, at);
    closeSync(fd);
    await blobs.getContainerClient(CONTAINER).deleteBlob('repository/p/pack002');

    await createJob('seed-job-dc-tamper', 'TRK-DC-0003', [{ driveId: two.serial, bitLockerKey: two.key, manifestHash: two.manifestHash }]);
    const run = await seedship(['cloud', 'receive', '--job', 'seed-job-dc-tamper', '--drive', devices[1] as string]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Drive ${two.serial} (${devices[1] as string}): CompletedMoreInfo, CompletedWithErrors`);
    expect(run.stdout).toContain('Import job seed-job-dc-tamper: Closed');

    const job = await azure.importJobs.get(RG, 'seed-job-dc-tamper');
    expect(job.properties?.state).toBe('Closed');
    const drive = job.properties?.driveList?.[0];
    expect([drive?.state, drive?.copyStatus]).toEqual(['CompletedMoreInfo', 'CompletedWithErrors']);
    const log = (await download('waimportexport', logName(drive?.errorLogUri))).toString('utf8');
    expect(log).toContain('<Blob Status="CompletedWithErrors">');
    expect(log).toContain(`<BlobPath>${CONTAINER}/repository/p/pack002</BlobPath>`);
    // The 5 MiB + 100 offset is in the second 4 MiB block.
    expect(log).toMatch(/<Block Offset="4194304" Length="4194304" Id="[^"]+" Hash="[0-9A-F]{32}" Status="Corrupted"\/>/);
    expect(log).toContain('<Status>CompletedWithErrors</Status>');
    expect(await blobs.getContainerClient(CONTAINER).getBlobClient('repository/p/pack002').exists()).toBe(false);
    expect(mountsLeft()).toEqual([]);
  }, 120_000);
});

/** FUSE mounts the datacenter left behind (it must leave none). */
function mountsLeft(): string[] {
  return readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .filter((l) => l.includes('seedship-datacenter-'));
}
