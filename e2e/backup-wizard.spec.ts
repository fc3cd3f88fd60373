import { expect, test, type Page } from '@playwright/test';
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { azureCheck as check, expectWizardStep as expectStep, wizardNext as next } from './fixtures/backup-wizard';
import { signInWithDeviceCode } from './fixtures/device-code-sign-in';
import { describeTree } from './fixtures/file-tree';
import { badThenGood } from './fixtures/form';
import { startHost, type RunningHost } from './fixtures/headless-host';
import { SUBSCRIPTION } from './fixtures/staging';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

let host: RunningHost;
let work: string;

test.beforeEach(async () => {
  host = await startHost();
  work = mkdtempSync(join(tmpdir(), 'seedship-wizard-'));
});

test.afterEach(async () => {
  expect(await host.stop()).toBe(0);
  rmSync(work, { recursive: true, force: true });
});

/**
 * A small tree with the cases a backup must carry: a nested folder, non-ASCII names, an empty file,
 * binary data; plus what the wizard's exclusions leave out and a named pipe (recorded, with a warning).
 */
function makeSourceTree(source: string): { fifo: string } {
  mkdirSync(join(source, 'nested', 'deeper'), { recursive: true });
  mkdirSync(join(source, 'cache'), { recursive: true });
  writeFileSync(join(source, 'readme.txt'), 'Seedship rehearsal: the initial backup travels on disks.\n');
  writeFileSync(join(source, 'empty.txt'), '');
  writeFileSync(join(source, 'Überweisung für Jürgen – 日本語.txt'), 'Grüße aus Köln, こんにちは\n');
  writeFileSync(join(source, 'nested', 'photo.bin'), randomBytes(300 * 1024));
  writeFileSync(join(source, 'nested', 'deeper', 'notes.md'), '# deep\n'.repeat(1000));
  writeFileSync(join(source, 'cache', 'skip-me.txt'), 'excluded by pattern');
  writeFileSync(join(source, 'disk-image.iso'), randomBytes(4096));
  const fifo = join(source, 'a-pipe');
  execFileSync('mkfifo', [fifo]);
  return { fifo };
}

async function back(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Back', exact: true }).click();
}

test('an operator walks the backup wizard to Back Up Now; the CLI and the Restore page bring the files back byte for byte', async ({ page }, testInfo) => {
  test.setTimeout(600_000);
  const source = join(work, 'Documents');
  const { fifo } = makeSourceTree(source);
  const staging = join(work, 'staging');
  mkdirSync(staging);
  const passphraseFile = join(work, 'keep-safe', 'seedship-passphrase.txt');
  mkdirSync(join(work, 'keep-safe'));
  const shot = async (name: string) => {
    const path = testInfo.outputPath(`${name}.png`);
    await page.screenshot({ path, fullPage: true });
    await testInfo.attach(name, { path, contentType: 'image/png' });
  };

  await page.goto(host.url);
  // The wizard is the first page, and a fresh plan starts at step 1.
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('button').first()).toHaveText('Backup');
  await expectStep(page, 1, 'Items to back up');

  // 1. Items to back up.
  const folder = page.getByLabel('Folder to back up');
  await badThenGood(page, folder, 'Documents', 'must be a full path', source);
  await page.getByRole('button', { name: 'Add folder' }).click();
  await expect(page.getByRole('list', { name: 'Chosen folders' })).toContainText(source);
  await folder.fill(source);
  await expect(page.getByText(`The folder ${source} is already in the list.`)).toBeVisible();
  await folder.fill('');
  const pattern = page.getByLabel('Exclusion pattern');
  await badThenGood(page, pattern, 'cache/***', 'has ***', '**/cache');
  await page.getByRole('button', { name: 'Add pattern' }).click();
  const fileType = page.getByLabel('File type to exclude');
  await badThenGood(page, fileType, 'disk image', 'is not a file type', '.iso');
  await page.getByRole('button', { name: 'Add file type' }).click();
  await expect(page.getByRole('list', { name: 'Excluded patterns' })).toContainText('**/cache');
  await expect(page.getByRole('list', { name: 'Excluded file types' })).toContainText('.iso');
  await page.getByRole('button', { name: 'Estimate size' }).click();
  // readme, empty, the non-ASCII file, photo.bin, notes.md (and the pipe, which has no contents).
  await expect(page.getByTestId('estimate-files')).toHaveText(/^[56] in /, { timeout: 30_000 });
  await expect(page.getByTestId('estimate-excluded')).not.toHaveText(/^0 /);
  await shot('wizard-1-items');
  await next(page);

  // 2. Schedule and retention.
  await expectStep(page, 2, 'Schedule and retention');
  for (const day of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday']) await page.getByLabel(day).uncheck();
  await expect(page.getByText('Pick at least one backup day.')).toBeVisible();
  await page.getByLabel('Saturday').check();
  await page.getByLabel('Wednesday').check();
  await expect(page.getByText('Pick at least one backup day.')).toHaveCount(0);
  await badThenGood(page, page.getByLabel('Backup time 1'), '25:00', 'Write backup time 1 as HH:MM', '22:30');
  await page.getByRole('button', { name: 'Add a backup time' }).click();
  await badThenGood(page, page.getByLabel('Backup time 2'), '7am', 'Write backup time 2 as HH:MM', '06:15');
  await badThenGood(page, page.getByLabel('Daily backups to keep'), '-1', 'Keep 0 to 9999 daily backups', '14');
  await badThenGood(page, page.getByLabel('Weekly backups to keep'), 'four', 'Keep 0 to 5163 weekly backups', '4');
  await badThenGood(page, page.getByLabel('Monthly backups to keep'), '99999', 'Keep 0 to 1188 monthly backups', '6');
  await next(page);

  // 3. Encryption.
  await expectStep(page, 3, 'Encryption');
  await expect(page.getByText('without it nobody can restore')).toBeVisible();
  await expect(page.getByText('Azure never sees it')).toBeVisible();
  const passphrase = page.getByLabel('Passphrase', { exact: true });
  const confirmation = page.getByLabel('Confirm passphrase');
  await passphrase.fill('too short');
  await expect(page.getByText('The passphrase must be at least 16 characters (it has 9).')).toBeVisible();
  await passphrase.fill('abababababababababab');
  await expect(page.getByText('repeats too few characters')).toBeVisible();
  await page.getByRole('button', { name: 'Generate' }).click();
  const generated = (await page.getByTestId('generated-passphrase').textContent())?.trim() ?? '';
  expect(generated.length).toBeGreaterThanOrEqual(16);
  await expect(passphrase).toHaveValue(generated);
  await expect(confirmation).toHaveValue(generated);
  await expect(page.getByRole('button', { name: 'Copy passphrase' })).toBeVisible();
  await expect(page.getByText(/at least 16 characters \(it has/)).toHaveCount(0);
  await badThenGood(page, confirmation, `${generated}x`, 'The confirmation doesn’t match the passphrase', generated);
  await badThenGood(page, page.getByLabel('Save passphrase to'), 'passphrase.txt', 'must be a full path', passphraseFile);
  await shot('wizard-3-encryption');
  await next(page);

  // 4. Initial backup type.
  await expectStep(page, 4, 'Initial backup type');
  expect(readFileSync(passphraseFile, 'utf8')).toContain(generated);
  await expect(page.getByRole('radio', { name: 'Transfer using Azure Data Box' })).toBeDisabled();
  await expect(page.getByText('comes in a later version')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Next', exact: true })).toBeDisabled();
  await page.getByRole('radio', { name: 'Transfer using my own disks' }).check();
  await next(page);

  // 5. Offline details: every field checked as it is typed.
  await expectStep(page, 5, 'Offline details');
  const stagingField = page.getByLabel('Staging Location');
  await badThenGood(page, stagingField, 'staging', 'Give the full path of the staging location', staging);
  // A full path that Azure's rules accept but this computer's check refuses (plan.checkStaging).
  await badThenGood(page, stagingField, join(source, 'staging'), 'which is being backed up', staging);
  const account = page.getByLabel('Azure Resource Manager Storage Account');
  await badThenGood(page, account, 'Contoso_Backup', 'A storage account name uses only lowercase letters and digits.', 'contosoblobonly');
  const container = page.getByLabel('Azure Storage Container');
  await badThenGood(page, container, 'ab', 'A container name has 3 to 63 characters (this has 2).', 'bad--name');
  await badThenGood(page, container, 'bad--name', 'two hyphens in a row', 'seedship-import');
  await badThenGood(page, page.getByLabel('Azure Subscription ID'), 'my-subscription', 'A subscription ID is a GUID', SUBSCRIPTION);
  await badThenGood(page, page.getByLabel('Azure Import Job Name'), '1st-job', 'An import job name starts with a lowercase letter.', 'seedship-e2e-initial');
  await next(page);

  // 6. Sign in to Azure; first a reload: the wizard comes back on this step with its values.
  await expectStep(page, 6, 'Sign in to Azure');
  await page.reload();
  await expectStep(page, 6, 'Sign in to Azure');
  await expect(page.getByTestId('staging-location')).toHaveText(staging);
  await expect(page.getByTestId('import-job-name')).toHaveText('seedship-e2e-initial');
  await expect(page.getByRole('button', { name: 'Copy Staging Location' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Copy Import Job Name' })).toBeVisible();
  await back(page);
  await expectStep(page, 5, 'Offline details');
  await expect(account).toHaveValue('contosoblobonly');
  await expect(container).toHaveValue('seedship-import');
  await back(page);
  await back(page);
  await back(page);
  await expectStep(page, 2, 'Schedule and retention');
  await expect(page.getByLabel('Saturday')).toBeChecked();
  await expect(page.getByLabel('Monday')).not.toBeChecked();
  await expect(page.getByLabel('Backup time 1')).toHaveValue('06:15');
  await expect(page.getByLabel('Backup time 2')).toHaveValue('22:30');
  await expect(page.getByLabel('Monthly backups to keep')).toHaveValue('6');
  await page.getByRole('navigation', { name: 'Wizard steps' }).getByRole('button', { name: '1. Items to back up' }).click();
  await expectStep(page, 1, 'Items to back up');
  await expect(page.getByRole('list', { name: 'Chosen folders' })).toContainText(source);
  await next(page);
  await next(page);
  await expectStep(page, 3, 'Encryption');
  await expect(page.getByText(`a copy was saved to ${passphraseFile}`)).toBeVisible();
  await next(page);
  await expect(page.getByRole('radio', { name: 'Transfer using my own disks' })).toBeChecked();
  await next(page);
  await next(page);
  await expectStep(page, 6, 'Sign in to Azure');

  await signInWithDeviceCode(page, host.dataDir);
  // A Blob Storage account can't take an import: the check says so and blocks the wizard.
  await expect(check(page, 'storageAccount')).toHaveAttribute('data-status', 'blocked', { timeout: 30_000 });
  await expect(check(page, 'storageAccount')).toContainText(/general[- ]purpose/i);
  await expect(page.getByRole('button', { name: 'Prepare Azure' })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Next', exact: true })).toBeDisabled();
  await shot('wizard-6-blocked');
  await back(page);
  await account.fill('contosobackup');
  await next(page);
  await expectStep(page, 6, 'Sign in to Azure');
  await expect(check(page, 'storageAccount')).toHaveAttribute('data-status', 'ok', { timeout: 30_000 });
  await expect(check(page, 'subscription')).toHaveAttribute('data-status', 'ok');
  await expect(check(page, 'provider')).toHaveAttribute('data-status', 'fixable');
  await check(page, 'provider').getByRole('button', { name: 'Register Microsoft.DataBox' }).click();
  await expect(check(page, 'provider')).toHaveAttribute('data-status', 'ok', { timeout: 60_000 });
  await page.getByRole('button', { name: 'Prepare Azure' }).click();
  await expect(page.getByText('Azure is ready')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByLabel('Azure setup')).toContainText('seedship-rg');
  for (const id of ['subscription', 'storageAccount', 'container', 'jobName', 'provider', 'entraApp']) {
    await expect(check(page, id), id).toHaveAttribute('data-status', 'ok', { timeout: 30_000 });
  }
  await shot('wizard-6-ready');
  await next(page);

  // 7. Confirmation, Back Up Now, progress to the summary.
  await expectStep(page, 7, 'Confirmation');
  const summary = page.getByRole('region', { name: 'Confirmation' });
  await expect(summary).toContainText(source);
  await expect(summary).toContainText('Transfer using my own disks');
  await expect(summary).toContainText('seedship-e2e-initial');
  await page.getByRole('button', { name: 'Back Up Now' }).click();
  const progress = page.getByTestId('task-progress');
  await expect(progress).toBeVisible();
  await expect(progress).toHaveAttribute('data-status', 'succeeded', { timeout: 300_000 });
  await expect(page.getByTestId('task-summary')).toBeVisible();
  await expect(page.getByTestId('task-files')).toHaveText(/^(\d+) of \1$/);
  // The named pipe is recorded, not backed up: a warning with its path and the reason.
  const warnings = page.getByRole('list', { name: 'Warnings' });
  await expect(warnings).toContainText(fifo);
  await expect(warnings).toContainText('named pipe');
  await shot('wizard-7-finished');

  // Restore staging with the CLI, as an operator would on another computer, and compare every byte.
  const restored = join(work, 'restored');
  const cliData = join(work, 'cli-data');
  mkdirSync(cliData);
  // The file the wizard saved the passphrase to is what the operator hands the CLI.
  const cli = await run(process.execPath, [join(ROOT, 'bin', 'seedship.mjs'), 'restore', '--staging', staging, '--to', restored, '--passphrase-file', passphraseFile], {
    env: { ...process.env, SEEDSHIP_DATA_DIR: cliData },
    timeout: 120_000,
  }).catch((error: Error & { stdout?: string; stderr?: string; code?: number }) => {
    throw new Error(`seedship restore failed (${error.code}): ${error.message}\nstdout: ${error.stdout}\nstderr: ${error.stderr}`);
  });
  testInfo.attach('seedship restore', { body: `${cli.stdout}\n${cli.stderr}`, contentType: 'text/plain' }).catch(() => undefined);

  const excluded = (rel: string) => rel === 'cache' || rel.startsWith('cache/') || rel.endsWith('.iso') || rel === basename(fifo);
  const expected = describeTree(source, excluded);
  const actual = describeTree(join(restored, basename(source)), () => false);
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [rel, bytes] of expected) {
    if (bytes === null) continue;
    expect(actual.get(rel)?.equals(bytes), `${rel} restored byte for byte`).toBe(true);
  }
  expect(existsSync(join(restored, basename(source), 'empty.txt'))).toBe(true);

  // The Restore page: the passphrase saved with the plan opens staging, and one chosen folder comes back.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Restore' }).click();
  await expect(page.getByRole('heading', { name: 'Restore', level: 1 })).toBeVisible();
  await expect(page.getByLabel('Staging location to restore from')).toHaveValue(staging);
  await page.getByRole('button', { name: 'List snapshots' }).click();
  await expect(page.getByRole('radiogroup', { name: 'Snapshot' }).getByRole('radio')).toHaveCount(1, { timeout: 30_000 });
  await page.getByRole('button', { name: basename(source), exact: true }).click();
  await expect(page.getByRole('table', { name: 'Snapshot contents' })).toContainText('readme.txt');
  await page.getByRole('radio', { name: 'Only the files and folders I select' }).check();
  await page.getByLabel(`Select ${basename(source)}/nested`).check();
  await page.getByLabel(`Select ${basename(source)}/${basename(fifo)}`).check();
  const uiTarget = join(work, 'restored-ui');
  await badThenGood(page, page.getByLabel('Restore to'), 'restored', 'must be a full path', uiTarget);
  await page.getByRole('button', { name: 'Start restore' }).click();
  await expect(page.getByTestId('task-progress')).toHaveAttribute('data-status', 'succeeded', { timeout: 60_000 });
  // The pipe has no contents to bring back: the finished task lists it with the reason.
  const restoreWarnings = page.getByRole('list', { name: 'Warnings' });
  await expect(restoreWarnings).toContainText(`${basename(source)}/${basename(fifo)}`);
  await expect(restoreWarnings).toContainText('named pipe');
  await shot('restore-finished');
  const nested = describeTree(join(source, 'nested'), () => false);
  const nestedBack = describeTree(join(uiTarget, basename(source), 'nested'), () => false);
  expect([...nestedBack.keys()].sort()).toEqual([...nested.keys()].sort());
  for (const [rel, bytes] of nested) if (bytes) expect(nestedBack.get(rel)?.equals(bytes), `${rel} restored from the page`).toBe(true);
  expect(existsSync(join(uiTarget, basename(source), 'readme.txt'))).toBe(false);
});
