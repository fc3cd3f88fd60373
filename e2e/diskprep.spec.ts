import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signInWithDeviceCode } from './fixtures/device-code-sign-in';
import { expectDiskPrepStep as expectStep } from './fixtures/diskprep-screen';
import { badThenGood, press } from './fixtures/form';
import { startHost, type RunningHost } from './fixtures/headless-host';
import { createLoopDevice, type LoopDevice } from './fixtures/loop-device';
import { makeStaging as makeStagingIn } from './fixtures/staging';

const MiB = 1024 * 1024;
const JOB = 'seedship-e2e-disks';

let host: RunningHost;
let work: string;
const cleanups: (() => void)[] = [];

test.beforeEach(async () => {
  host = await startHost();
  work = mkdtempSync(join(tmpdir(), 'seedship-diskprep-'));
});

test.afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    try {
      cleanup();
    } catch (error) {
      console.warn('cleanup failed:', (error as Error).message);
    }
  }
  expect(await host.stop()).toBe(0);
  rmSync(work, { recursive: true, force: true });
});

/** A staging location as Back Up Now leaves it, in this test's folder. */
const makeStaging = (jobs: string[], sizes: number[]) => makeStagingIn(work, jobs, sizes);

function loop(sizeBytes: number): LoopDevice {
  const drive = createLoopDevice(sizeBytes);
  cleanups.push(drive.detach);
  return drive;
}

/** The whole disk holding `/`: the system disk, which the screen must never offer. */
function systemDisk(): string | null {
  try {
    const source = execFileSync('findmnt', ['-n', '-o', 'SOURCE', '/'], { encoding: 'utf8' }).trim();
    if (!source.startsWith('/dev/')) return null;
    const parent = execFileSync('lsblk', ['-n', '-o', 'PKNAME', source], { encoding: 'utf8' }).trim();
    return parent ? `/dev/${parent}` : source;
  } catch {
    return null;
  }
}

async function openDiskPrep(page: Page): Promise<void> {
  await page.goto(host.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Disk prep' }).click();
  await expect(page.getByRole('heading', { name: 'Disk prep', level: 1 })).toBeVisible();
}

test('staging, job and drive choices are checked; the system disk is never offered', async ({ page }) => {
  const staging = makeStaging([JOB, 'seedship-e2e-second'], [64 * 1024]);
  const tiny = loop(64 * MiB);
  const usable = loop(300 * MiB);
  await openDiskPrep(page);

  // 1. Staging location: a relative path, a folder without a descriptor, then the real one.
  await expectStep(page, 'Staging location');
  const stagingField = page.getByLabel('Staging location');
  await badThenGood(page, stagingField, 'staging', 'must be a full path', work);
  await press(page, 'Read staging');
  await expect(page.getByText(`has no seedship-staging.json`)).toBeVisible();
  await stagingField.fill(staging);
  await press(page, 'Read staging');

  // 2. Two jobs share this staging location: the operator picks one.
  await expectStep(page, 'Import job');
  const jobs = page.getByRole('radiogroup', { name: 'Import job' });
  await expect(jobs.getByRole('radio')).toHaveCount(2);
  await expect(page.getByRole('button', { name: 'Next', exact: true })).toBeDisabled();
  await jobs.getByRole('radio', { name: JOB }).check();
  await expect(page.getByLabel(`Import job ${JOB}`)).toContainText('contosobackup');
  await press(page, 'Next');

  // 3. Drives: the system disk is listed as not offered, with the reason; a too-small drive can't be chosen.
  await expectStep(page, 'Drives');
  await expect(page.getByRole('group', { name: 'Not offered' })).toContainText('operating system');
  const system = systemDisk();
  if (system) await expect(page.locator(`tr[data-device="${system}"]`)).toHaveCount(0);
  const toggle = page.getByRole('switch', { name: /rehearsal drives/ });
  if (!(await toggle.isChecked())) await toggle.click();
  await expect(toggle).toBeChecked();
  const row = (device: string) => page.locator(`tr[data-device="${device}"]`);
  await expect(row(tiny.device)).toContainText('Is only 64 MiB');
  await expect(page.getByRole('checkbox', { name: `Use ${tiny.device}` })).toBeDisabled();
  if (system) await expect(page.getByRole('checkbox', { name: `Use ${system}` })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Check the drives' })).toBeDisabled();
  await page.getByRole('checkbox', { name: `Use ${usable.device}` }).check();
  await press(page, 'Check the drives');
  await expect(page.getByTestId('drive-plan')).toContainText(`${usable.device}: 3 files`);
  await press(page, 'Next');

  // 4. Formatting needs the device path typed exactly.
  await expectStep(page, 'Confirm formatting');
  const confirm = page.getByLabel(`Type ${usable.device} to confirm formatting`);
  await confirm.fill('/dev/sda');
  await expect(page.getByText(`Type ${usable.device} exactly to confirm erasing it.`)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Erase and prepare the drive' })).toBeDisabled();
  await confirm.fill(usable.device);
  await expect(page.getByRole('button', { name: 'Erase and prepare the drive' })).toBeEnabled();
  // Nothing has been written: the drive is still all zeroes where NTFS and BitLocker would go.
  expect(readFileSync(usable.file).subarray(0, 64 * 1024).every((b) => b === 0)).toBe(true);
});

test('an operator prepares a drive, gives the shipping details and creates the import job', async ({ page }, testInfo) => {
  test.setTimeout(600_000);
  const staging = makeStaging([JOB], [3 * MiB + 17, 5 * MiB, 1234]);
  const drive = loop(512 * MiB);
  const shot = async (name: string) => {
    const path = testInfo.outputPath(`${name}.png`);
    await page.screenshot({ path, fullPage: true });
    await testInfo.attach(name, { path, contentType: 'image/png' });
  };
  await openDiskPrep(page);

  await page.getByLabel('Staging location').fill(staging);
  await page.getByLabel('Staging location').press('Enter');
  await expectStep(page, 'Import job');
  await expect(page.getByTestId('job-name')).toHaveText(JOB);
  await press(page, 'Next');

  await expectStep(page, 'Drives');
  const toggle = page.getByRole('switch', { name: /rehearsal drives/ });
  if (!(await toggle.isChecked())) await toggle.click();
  await page.getByRole('checkbox', { name: `Use ${drive.device}` }).check();
  await press(page, 'Check the drives');
  await press(page, 'Next');

  await expectStep(page, 'Confirm formatting');
  await page.getByLabel(`Type ${drive.device} to confirm formatting`).fill(drive.device);
  await press(page, 'Erase and prepare the drive');

  await expectStep(page, 'Sign in to Azure');
  await signInWithDeviceCode(page, host.dataDir);
  await press(page, 'Erase and prepare the drive');

  await expectStep(page, 'Prepare drives');
  await expect(page.getByTestId('overall-progress')).toBeVisible();
  const progress = page.getByTestId('task-progress');
  await expect(progress).toBeVisible();
  await shot('diskprep-preparing');

  // The staging fits on one drive: no "insert another" prompt, straight to the summary.
  await expect(page.getByRole('heading', { name: 'Prepared drives', level: 2 })).toBeVisible({ timeout: 300_000 });
  const prepared = page.getByRole('table', { name: 'Prepared drives' });
  await expect(prepared.getByRole('row')).toHaveCount(2, { timeout: 300_000 });
  await expect(prepared).toContainText('512 MiB');
  const serial = (await prepared.locator('tr[data-serial]').first().getAttribute('data-serial')) ?? '';
  expect(serial).not.toBe('');
  const facts = page.getByLabel(`Import job ${JOB}`);
  await expect(facts).toContainText('contosobackup');
  await expect(facts).toContainText('seedship-rg');
  await expect(facts).toContainText('westus2');
  await shot('diskprep-summary');
  await press(page, 'Enter shipping details');

  // Shipping details: each bad value shows its error under the field, naming it, as it is typed.
  await expectStep(page, 'Shipping details');
  const form = page.getByRole('form', { name: 'Shipping details' });
  await press(page, 'Create the import job');
  await expect(form.getByText('Enter the contact name')).toBeVisible();
  await expect(form.getByText('Choose the country or region.')).toBeVisible();
  await expect(form.getByText('Choose the return carrier.')).toBeVisible();
  await page.getByLabel('Contact name').fill('Jane Operator');
  await expect(form.getByText('Enter the contact name')).toHaveCount(0);
  await badThenGood(page, page.getByLabel('Phone'), '555 01', 'The phone number has 7 to 20 digits (this has 5).', '+1 (425) 555-0100');
  await badThenGood(page, page.getByLabel('Phone'), '425.555.0100', 'The phone number uses only digits', '+1 (425) 555-0100');
  await badThenGood(page, page.getByLabel('Email'), 'jane@contoso', 'The email address "jane@contoso" needs a full domain', 'jane@contoso.com');
  await page.getByLabel('Country or region').selectOption('US');
  await expect(form.getByText('Enter the state or province: addresses in US need one.')).toBeVisible();
  await page.getByLabel('Street address').fill('1 Microsoft Way');
  await page.getByLabel('City').fill('Redmond');
  await page.getByLabel('State or province').fill('WA');
  const postal = page.getByLabel('Postal code');
  await badThenGood(page, postal, 'RG6 1RW', 'The postal code "RG6 1RW" isn’t a US ZIP code', '98052');
  // The rule follows the country: a UK postcode is fine once the country is the United Kingdom.
  await page.getByLabel('Country or region').selectOption('GB');
  await expect(form.getByText('isn’t a UK postcode')).toBeVisible();
  await postal.fill('RG6 1RW');
  await expect(form.getByText(/isn’t a UK postcode/)).toHaveCount(0);
  await page.getByLabel('Country or region').selectOption('US');
  await postal.fill('98052-6399');
  await page.getByLabel('Return carrier').selectOption('FedEx');
  await badThenGood(page, page.getByLabel('Carrier account number'), '12', 'The carrier account number has 4 to 30 letters and digits (this has 2).', '1234-5678');
  await expect(form.getByText('The carrier account number uses only letters and digits')).toBeVisible();
  await page.getByLabel('Carrier account number').fill('123456789');
  await shot('diskprep-shipping');
  await press(page, 'Create the import job');

  // The import job exists: the datacenter address, its carriers and what to do next.
  await expectStep(page, 'Ship the drives');
  await expect(page.getByText(`Import job ${JOB} created`)).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('datacenter-address')).toContainText('Quincy');
  await expect(page.getByTestId('supported-carriers')).toContainText('FedEx');
  await expect(page.getByTestId('next-steps')).toContainText('one package');
  await expect(page.getByTestId('next-steps')).toContainText('tracking number');
  await expect(page.getByTestId('ship-by')).toContainText('two weeks');
  await shot('diskprep-created');

  // The recovery password shows only after an explicit confirmation.
  await expect(page.getByTestId(`recovery-password-${serial}`)).toHaveCount(0);
  await page.getByRole('button', { name: `Show the recovery password of ${serial}` }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByRole('button', { name: 'Show password' })).toBeDisabled();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId(`recovery-password-${serial}`)).toHaveCount(0);
  await page.getByRole('button', { name: `Show the recovery password of ${serial}` }).click();
  await dialog.getByRole('checkbox', { name: /I understand/ }).check();
  await dialog.getByRole('button', { name: 'Show password' }).click();
  const password = page.getByTestId(`recovery-password-${serial}`);
  await expect(password).toHaveText(/^(\d{6}-){7}\d{6}$/);
  const recoveryPassword = (await password.textContent()) ?? '';
  await page.getByRole('button', { name: 'Hide recovery password' }).click();
  await expect(password).toHaveCount(0);

  // The shipping record: drives, serials, manifest hashes; never a recovery password.
  const recordPath = join(work, 'shipping-record.json');
  await page.getByLabel('Save the shipping record to').fill(recordPath);
  await press(page, 'Export shipping record');
  await expect(page.getByTestId('record-saved')).toBeVisible();
  expect(existsSync(recordPath)).toBe(true);
  const recordText = readFileSync(recordPath, 'utf8');
  const record = JSON.parse(recordText) as { jobName: string; drives: { serial: string; manifestHash: string }[] };
  expect(record.jobName).toBe(JOB);
  expect(record.drives.map((d) => d.serial)).toEqual([serial]);
  expect(recordText).not.toContain(recoveryPassword);
});

test('a staging set larger than one drive asks for another; a cancelled drive resumes', async ({ page }) => {
  test.setTimeout(600_000);
  // Three 110 MiB files: two fit on a 300 MiB drive after NTFS and BitLocker, the third needs a second drive.
  const staging = makeStaging([JOB], [110 * MiB, 110 * MiB, 110 * MiB]);
  const first = loop(300 * MiB);
  const second = loop(300 * MiB);
  await openDiskPrep(page);

  await page.getByLabel('Staging location').fill(staging);
  await press(page, 'Read staging');
  await expectStep(page, 'Import job');
  await press(page, 'Next');
  await expectStep(page, 'Drives');
  const toggle = page.getByRole('switch', { name: /rehearsal drives/ });
  if (!(await toggle.isChecked())) await toggle.click();
  await page.getByRole('checkbox', { name: `Use ${first.device}` }).check();
  await press(page, 'Check the drives');
  await expect(page.getByTestId('drive-plan')).toContainText('won’t fit on these drives');
  await press(page, 'Next');
  await page.getByLabel(`Type ${first.device} to confirm formatting`).fill(first.device);
  await press(page, 'Erase and prepare the drive');
  await expectStep(page, 'Sign in to Azure');
  await signInWithDeviceCode(page, host.dataDir);
  await press(page, 'Erase and prepare the drive');

  // Cancel while the first drive is being prepared, then resume it from its journal.
  await expectStep(page, 'Prepare drives');
  const progress = page.getByTestId('task-progress');
  await expect(progress).toHaveAttribute('data-status', 'running', { timeout: 30_000 });
  await progress.getByRole('button', { name: 'Cancel' }).click();
  await expect(progress).toHaveAttribute('data-status', 'cancelled', { timeout: 60_000 });
  await press(page, 'Resume');
  await expect(progress).toHaveAttribute('data-status', /running|succeeded/, { timeout: 30_000 });

  // The drive is full: the screen asks for another, and offers the second drive but not the prepared one.
  await expectStep(page, 'Another drive');
  await expect(page.getByTestId('insert-another')).toContainText('Drive full: insert another drive', { timeout: 300_000 });
  await expect(page.getByTestId('insert-another')).toContainText('1 drive prepared');
  await page.getByRole('checkbox', { name: `Use ${second.device}` }).check();
  await press(page, 'Check the drives');
  await expect(page.getByTestId('drive-plan')).toContainText(`${second.device}: 1 files`);
  await press(page, 'Next');
  await page.getByLabel(`Type ${second.device} to confirm formatting`).fill(second.device);
  // Already signed in: straight to preparing.
  await press(page, 'Erase and prepare the drive');
  await expect(page.getByRole('heading', { name: 'Prepared drives', level: 2 })).toBeVisible({ timeout: 300_000 });
  const prepared = page.getByRole('table', { name: 'Prepared drives' });
  await expect(prepared.locator('tr[data-serial]')).toHaveCount(2);
});
