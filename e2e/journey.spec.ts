// Issue 7's journey through the UI, on real loop devices and the real datacenter (`seedship cloud
// receive`): the wizard and Back Up Now, disk prep spanning two drives, the import job and its
// tracking on the Jobs page, the datacenter, the vault seeded and verified, an incremental backup,
// restore from the vault, clean-up. Then a drive damaged after prep, as the dashboard explains it.
// Needs root (losetup), dislocker and ntfs-3g.
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, readSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAppServices, type AppServices } from '../electron/services/app-services';
import { listBlobs } from '../electron/services/vault/blob-transfer';
import { VaultAzure } from '../electron/services/vault/vault-storage';
import { backUpNowWithOwnDisks } from './fixtures/backup-wizard';
import { receiveAtDatacenter } from './fixtures/datacenter';
import { expectDiskPrepStep, prepareDrivesAndCreateJob } from './fixtures/diskprep-screen';
import { describeTree, writeRandomFile } from './fixtures/file-tree';
import { openPage, press } from './fixtures/form';
import { startHost, type RunningHost } from './fixtures/headless-host';
import { checkNow, enterTracking, jobRow, openJob } from './fixtures/jobs-page';
import { createLoopDevice, type LoopDevice } from './fixtures/loop-device';
import { makeStaging, SUBSCRIPTION } from './fixtures/staging';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MiB = 1024 * 1024;

let host: RunningHost;
let work: string;
/** Services on the host's data folder (reusing its local cloud and sign-in) to look into blob storage as a script would. */
let inspector: AppServices | null = null;
const cleanups: (() => void)[] = [];

test.beforeEach(async () => {
  for (const tool of ['dislocker-file', 'ntfs-3g', 'losetup']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`]);
    } catch {
      throw new Error(`${tool} is missing: the datacenter needs it (apt-get install dislocker ntfs-3g util-linux).`);
    }
  }
  host = await startHost();
  work = mkdtempSync(join(tmpdir(), 'seedship-journey-'));
});

test.afterEach(async () => {
  const info = test.info();
  if (info.status !== info.expectedStatus) console.log(`host output:\n${host.stdout()}`);
  for (const cleanup of cleanups.splice(0).reverse()) {
    try {
      cleanup();
    } catch (error) {
      console.warn('cleanup failed:', (error as Error).message);
    }
  }
  await inspector?.close();
  inspector = null;
  expect(await host.stop()).toBe(0);
  rmSync(work, { recursive: true, force: true });
});

function loop(sizeBytes: number): LoopDevice {
  const drive = createLoopDevice(sizeBytes);
  cleanups.push(drive.detach);
  return drive;
}

async function shot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

/** The blobs of a container of the rehearsal world's contosobackup account, read with the account key. */
async function importBlobs(container: string): Promise<string[]> {
  inspector ??= createAppServices({ dataDir: host.dataDir, transport: 'cli', version: 'e2e', localCloudEntry: join(ROOT, 'dist', 'localcloud.mjs') });
  const access = await new VaultAzure(inspector.azure).container(SUBSCRIPTION, 'seedship-rg', 'contosobackup', container);
  return [...(await listBlobs(access.container, '')).keys()];
}

/** "12.5 MiB" (formatBytes) → bytes. */
function parseBytes(text: string): number {
  const m = /^([\d.]+) (B|KiB|MiB|GiB)$/.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not a size`);
  return Number(m[1]) * 1024 ** ['B', 'KiB', 'MiB', 'GiB'].indexOf(m[2] as string);
}

/** Runs the datacenter and attaches its output to the report. */
async function receive(testInfo: TestInfo, jobName: string, devices: string[]): Promise<string> {
  const run = await receiveAtDatacenter(host.dataDir, jobName, devices);
  await testInfo.attach(`seedship cloud receive ${jobName}`, { body: `${run.stdout}\n${run.stderr}`, contentType: 'text/plain' });
  expect(run.code, run.stderr).toBe(0);
  return run.stdout;
}

test('the whole journey: wizard, Back Up Now, two drives, import job, datacenter, vault seeded, incremental backup, restore, clean-up', async ({ page }, testInfo) => {
  test.setTimeout(600_000);
  const JOB = 'seedship-e2e-journey';
  const CONTAINER = 'seedship-journey';
  // ~290 MiB of random data: more than one 256 MiB drive holds after NTFS and BitLocker (~220 MiB).
  const source = join(work, 'Documents');
  mkdirSync(join(source, 'projects'), { recursive: true });
  for (let i = 1; i <= 4; i += 1) writeRandomFile(join(source, 'projects', `archive-${i}.bin`), 72 * MiB);
  writeFileSync(join(source, 'readme.txt'), 'Seedship journey: these files travel on two drives.\n');
  const staging = join(work, 'staging');
  mkdirSync(staging);
  mkdirSync(join(work, 'keep-safe'));
  const drives = [loop(256 * MiB), loop(256 * MiB)];
  const devices = drives.map((d) => d.device);
  await page.goto(host.url);

  // 1. The wizard and Back Up Now into staging.
  await backUpNowWithOwnDisks(page, { source, staging, passphraseFile: join(work, 'keep-safe', 'passphrase.txt'), jobName: JOB, container: CONTAINER, hostDataDir: host.dataDir });
  expect(existsSync(join(staging, 'seedship-staging.json'))).toBe(true);
  await shot(page, testInfo, 'journey-1-backed-up');

  // 2. Disk prep: both drives at once; the staging set spans them.
  const serials = await prepareDrivesAndCreateJob(page, { stagingPath: staging, jobName: JOB, devices, hostDataDir: host.dataDir });
  expect(serials).toHaveLength(2);
  await shot(page, testInfo, 'journey-2-job-created');

  // 3. The Jobs page: the new job, Creating; tracking entered, the job Shipping.
  await openPage(page, 'Jobs');
  await checkNow(page);
  await expect(jobRow(page, JOB)).toContainText('Creating');
  const details = await enterTracking(page, JOB, 'FedEx', 'TRK-JOURNEY-0001');
  await expect(jobRow(page, JOB)).toContainText('Shipping');
  await expect(details.getByRole('list', { name: 'Timeline' })).toContainText('Tracking number TRK-JOURNEY-0001 (FedEx) entered.');

  // 4. The datacenter receives both drives (no screen: Microsoft's staff do this in Azure).
  const received = await receive(testInfo, JOB, devices);
  expect(received).toContain(`Import job ${JOB}: Completed`);
  await checkNow(page);
  await expect(jobRow(page, JOB)).toContainText('Completed', { timeout: 30_000 });
  const completed = await openJob(page, JOB);
  for (const serial of serials) await expect(completed.getByRole('row', { name: `Drive ${serial}` })).toContainText('Completed');
  await shot(page, testInfo, 'journey-3-completed');

  // 5. The Vault page: the job is Completed, Run now seeds the vault and verifies the seed.
  await openPage(page, 'Vault');
  await press(page, 'Check status');
  await expect(page.getByLabel('Seed status')).toContainText('Completed', { timeout: 30_000 });
  await expect(page.getByLabel('Seed status')).toContainText('Not seeded yet');
  await press(page, 'Run now');
  const progress = page.getByTestId('task-progress');
  await expect(progress).toHaveAttribute('data-status', 'succeeded', { timeout: 300_000 });
  await expect(page.getByLabel('Seed status')).toContainText('Verified', { timeout: 30_000 });
  const seedText = (await page.getByLabel('Seed status').textContent()) ?? '';
  const seedBytes = parseBytes(/Verified (\d+) blobs, ([\d.]+ \w+)/.exec(seedText)?.[2] ?? '');
  expect(seedBytes).toBeGreaterThan(250 * MiB);
  const lastUpload = page.getByRole('status').filter({ hasText: 'Last backup to the vault' });
  const uploaded = async () => {
    const text = (await lastUpload.textContent()) ?? '';
    const m = /: (\d+) new packs with (\d+) chunks .*, ([\d.]+ \w+) over the network/.exec(text);
    expect(m, text).not.toBeNull();
    return { text, packs: Number(m?.[1]), bytes: parseBytes(m?.[3] ?? '') };
  };
  // Nothing in the sources changed since Back Up Now: the backup after seeding sends next to nothing (the new snapshot).
  await expect(lastUpload).toBeVisible();
  const afterSeed = await uploaded();
  expect(afterSeed.bytes).toBeLessThan(MiB);
  await shot(page, testInfo, 'journey-4-seeded');

  // 6. A source file changes (64 KiB in the middle of one archive) and a new one appears: Run now sends only the new chunks.
  const changed = join(source, 'projects', 'archive-2.bin');
  const fd = openSync(changed, 'r+');
  writeSync(fd, Buffer.alloc(64 * 1024, 0x5a), 0, 64 * 1024, 30 * MiB);
  closeSync(fd);
  writeFileSync(join(source, 'notes-after-seeding.txt'), 'written after the seed\n'.repeat(100));
  await press(page, 'Run now');
  await expect(lastUpload).not.toHaveText(afterSeed.text, { timeout: 300_000 });
  await expect(progress).toHaveAttribute('data-status', 'succeeded');
  const incremental = await uploaded();
  expect(incremental.packs).toBeGreaterThan(0);
  // The content-defined chunk(s) around the change (512 KiB to 8 MiB each) and the new file: a small fraction of the seed.
  expect(incremental.bytes).toBeGreaterThan(256 * 1024);
  expect(incremental.bytes).toBeLessThan(seedBytes / 10);
  await shot(page, testInfo, 'journey-5-incremental');

  // 7. Restore the newest snapshot from the vault and compare every byte with the sources.
  await press(page, 'List the vault’s snapshots');
  const snapshots = page.getByRole('radiogroup', { name: 'Snapshot in the vault' }).getByRole('radio');
  await expect(snapshots).toHaveCount(3);
  await expect(snapshots.first()).toBeChecked();
  const restored = join(work, 'restored');
  await page.getByLabel('Restore to').fill(restored);
  await press(page, 'Restore from the vault');
  await expect(progress).toHaveAttribute('aria-label', /^Restore from vault/);
  await expect(progress).toHaveAttribute('data-status', 'succeeded', { timeout: 300_000 });
  const expected = describeTree(source);
  const actual = describeTree(join(restored, basename(source)));
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [rel, bytes] of expected) if (bytes) expect(actual.get(rel)?.equals(bytes), `${rel} restored byte for byte`).toBe(true);

  // 8. Clean-up, confirmed by typing the job's name: the import container is emptied, staging's backup removed.
  expect((await importBlobs(CONTAINER)).length).toBeGreaterThan(0);
  const confirm = page.getByLabel(`Type the import job’s name (${JOB}) to confirm`);
  await confirm.fill(`${JOB}-typo`);
  await expect(page.getByRole('button', { name: 'Delete import data and staging' })).toBeDisabled();
  await confirm.fill(JOB);
  await press(page, 'Delete import data and staging');
  await expect(progress).toHaveAttribute('aria-label', /^Clean up after seeding/);
  await expect(progress).toHaveAttribute('data-status', 'succeeded', { timeout: 120_000 });
  await expect(page.getByLabel('Seed status')).toContainText('Cleaned up', { timeout: 30_000 });
  expect(await importBlobs(CONTAINER)).toEqual([]);
  expect(readdirSync(staging)).toEqual([]);
  await shot(page, testInfo, 'journey-6-cleaned-up');
});

test('a drive damaged after prep: the datacenter finds the corrupted block and the Jobs page explains the result', async ({ page }, testInfo) => {
  test.setTimeout(300_000);
  const JOB = 'seedship-e2e-tampered';
  const staging = makeStaging(work, [JOB], [12 * MiB + 4321, 2 * MiB]);
  const drive = loop(256 * MiB);
  await page.goto(host.url);
  const [serial] = await prepareDrivesAndCreateJob(page, { stagingPath: staging, jobName: JOB, devices: [drive.device], hostDataDir: host.dataDir });
  expect(serial).toBeTruthy();

  // The recovery password, revealed as an operator would (after the confirmation), to find the data on the drive.
  await expectDiskPrepStep(page, 'Ship the drives');
  await page.getByRole('button', { name: `Show the recovery password of ${serial}` }).click();
  await page.getByRole('dialog').getByRole('checkbox', { name: /I understand/ }).check();
  await page.getByRole('dialog').getByRole('button', { name: 'Show password' }).click();
  const recoveryPassword = ((await page.getByTestId(`recovery-password-${serial}`).textContent()) ?? '').trim();
  expect(recoveryPassword).toMatch(/^(\d{6}-){7}\d{6}$/);

  await openPage(page, 'Jobs');
  await checkNow(page);
  await enterTracking(page, JOB, 'FedEx', 'TRK-TAMPER-0001');
  await expect(jobRow(page, JOB)).toContainText('Shipping');

  // In transit, one byte of ciphertext changes inside the first pack's second 4 MiB block: XTS garbles that
  // sector, so the block's MD5 no longer matches the manifest. Found through an independent decryption.
  const plain = join(work, 'plain.img');
  execFileSync('dislocker-file', ['-V', drive.device, `-p${recoveryPassword}`, '--', plain], { stdio: 'pipe' });
  const needle = readFileSync(join(staging, 'repository', 'packs', 'pack-000.zst')).subarray(5 * MiB + 100, 5 * MiB + 164);
  const at = readFileSync(plain).indexOf(needle);
  rmSync(plain);
  expect(at).toBeGreaterThan(0);
  const fd = openSync(drive.device, 'r+');
  const byte = Buffer.alloc(1);
  readSync(fd, byte, 0, 1, at);
  byte[0] = (byte[0] as number) ^ 0xff;
  writeSync(fd, byte, 0, 1, at);
  closeSync(fd);

  const received = await receive(testInfo, JOB, [drive.device]);
  expect(received).toContain(`Drive ${serial}`);

  // The dashboard: the job Closed, the drive CompletedMoreInfo, its result in plain words and the failed file.
  await checkNow(page);
  await expect(jobRow(page, JOB)).toContainText('Closed', { timeout: 30_000 });
  const details = await openJob(page, JOB);
  const row = details.getByRole('row', { name: `Drive ${serial}` });
  await expect(row).toContainText('CompletedMoreInfo');
  await expect(row).toContainText('CompletedWithErrors');
  await expect(row).toContainText('some files failed to import');
  await row.getByRole('button', { name: 'Show logs' }).click();
  const log = details.getByLabel(`Logs of drive ${serial}`);
  await expect(log).toContainText('Drive result CompletedWithErrors');
  await expect(log).toContainText('ship them again on a new job');
  // One log: the error log (the datacenter's copy of the drive's manifest sits beside it and is no log).
  await expect(log.getByText(/^Error log · /)).toHaveCount(1);
  const problems = log.getByRole('list', { name: 'Files with problems' });
  await expect(problems).toContainText('seedship-import/repository/packs/pack-000.zst');
  await expect(problems).toContainText('Block at offset 4194304 (4194304 bytes): Corrupted');
  await expect(log).not.toContainText(recoveryPassword);
  await shot(page, testInfo, 'tampered-drive-explained');
});
