import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAppServices, type AppServices } from '../electron/services/app-services';
import { localCloudAdmin } from '../electron/services/azure/local-cloud-admin';
import { openDiagnosticsContainer } from '../electron/services/jobs/diagnostics-logs';
import { signInWithDeviceCode } from './fixtures/device-code-sign-in';
import { startHost, type RunningHost } from './fixtures/headless-host';
import { checkNow, jobRow as row } from './fixtures/jobs-page';
import { SUBSCRIPTION } from './fixtures/staging';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RG = 'seedship-rg';
const KEY = '238810-662376-448998-450120-652806-203390-606320-483076';
const returnAddress = { recipientName: 'Backup Operator', streetAddress1: '1 Main St', city: 'Redmond', stateOrProvince: 'WA', postalCode: '98052', countryOrRegion: 'US', phone: '4255550100', email: 'op@contoso.test' };

let host: RunningHost;
/** A second set of services on the host's data folder: it reuses the host's local cloud and sign-in to put jobs in place. */
let seeder: AppServices | null = null;

test.beforeEach(async () => {
  host = await startHost();
});

test.afterEach(async () => {
  const info = test.info();
  if (info.status !== info.expectedStatus) console.log(`host output:\n${host.stdout()}`);
  await seeder?.close();
  seeder = null;
  expect(await host.stop()).toBe(0);
});

/** Jobs as Azure would hold them, PUT through the real SDK with valid stand-in drives (no disks prepared). */
async function seedJobs(): Promise<AppServices> {
  const app = createAppServices({ dataDir: host.dataDir, transport: 'cli', version: 'e2e', localCloudEntry: join(ROOT, 'dist', 'localcloud.mjs') });
  const azure = await app.azure.gateway(SUBSCRIPTION);
  const storageAccountId = (await azure.storageAccounts.find('contosobackup')).id;
  const create = (name: string, driveId: string, extra: Record<string, unknown> = {}) =>
    azure.importJobs.create(RG, name, {
      location: 'westus2',
      properties: { storageAccountId, jobType: 'Import', diagnosticsPath: 'waimportexport', logLevel: 'Error', driveList: [{ driveId, bitLockerKey: KEY, manifestFile: '\\DriveManifest.xml', manifestHash: '0123456789ABCDEF0123456789ABCDEF' }], ...extra },
    });
  await create('e2e-ship', 'WD-E2E-SHIP', { returnAddress, returnShipping: { carrierName: 'FedEx', carrierAccountNumber: '123456789' } });
  await create('e2e-other', 'WD-E2E-OTHER', { returnAddress, deliveryPackage: { carrierName: 'UPS', trackingNumber: 'TRK-E2E-0001', driveCount: 1, shipDate: '2026-12-01' } });
  await create('e2e-forgotten', 'WD-E2E-FORGOT');
  await create('e2e-moreinfo', 'WD-E2E-MORE', { returnAddress });
  // The datacenter found the drive's manifest changed: the drive ends CompletedMoreInfo, the error log says why.
  const profile = await app.azure.profile();
  await localCloudAdmin(profile, 'POST', `/jobs/${SUBSCRIPTION}/${RG}/e2e-moreinfo/state`, { state: 'Completed', driveStates: { 'WD-E2E-MORE': 'CompletedMoreInfo' } });
  const container = await openDiagnosticsContainer(app.azure, storageAccountId, 'waimportexport');
  await container.createIfNotExists();
  const xml = `<?xml version="1.0" encoding="utf-8"?>
<DriveLog Version="2014-11-01">
  <DriveId>WD-E2E-MORE</DriveId>
  <BitLockerKey>${KEY}</BitLockerKey>
  <Blob Status="ManifestCorrupted"><BlobPath>seedship-import/p/pack-001</BlobPath><FilePath>\\s1\\p\\pack-001</FilePath><Length>4194304</Length></Blob>
  <Status>ManifestCorrupted</Status>
</DriveLog>`;
  await container.getBlockBlobClient('waies/e2e-moreinfo_WD-E2E-MORE_20261205T101500Z_error.xml').upload(xml, Buffer.byteLength(xml));
  return app;
}

test('the job dashboard: deadline, a duplicate tracking number, two weeks later, a drive with a corrupted manifest', async ({ page }) => {
  await page.goto(host.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Jobs' }).click();
  await expect(page.getByRole('heading', { name: 'Jobs', level: 1 })).toBeVisible();
  await signInWithDeviceCode(page, host.dataDir);
  seeder = await seedJobs();

  // Listed with its state and the two-week countdown.
  await checkNow(page);
  await expect(row(page, 'e2e-ship')).toContainText('Creating');
  await expect(row(page, 'e2e-ship')).toContainText('14 days left');
  await expect(row(page, 'e2e-other')).toContainText('TRK-E2E-0001');

  // Tracking: the number of another job is refused with a clear message, a fresh one is saved.
  await row(page, 'e2e-ship').getByRole('button', { name: 'e2e-ship' }).click();
  const details = page.getByRole('region', { name: 'Job e2e-ship details' });
  await expect(details.getByLabel('Tracking deadline')).toContainText('14 days left to enter the carrier and tracking number');
  const tracking = details.getByRole('form', { name: 'Tracking' });
  await tracking.getByRole('combobox', { name: 'Carrier', exact: true }).selectOption('FedEx');
  await tracking.getByRole('textbox', { name: 'Tracking number' }).fill('TRK-E2E-0001');
  await tracking.getByRole('button', { name: 'Save tracking' }).click();
  await expect(tracking.getByText('The tracking number TRK-E2E-0001 is already used by the import job e2e-other')).toBeVisible({ timeout: 30_000 });
  await tracking.getByRole('textbox', { name: 'Tracking number' }).fill('TRK-E2E-0002');
  await tracking.getByRole('button', { name: 'Save tracking' }).click();
  await expect(details.getByText('Tracking number TRK-E2E-0002 saved.')).toBeVisible({ timeout: 30_000 });
  await expect(details.getByRole('group', { name: 'On the way to the datacenter' })).toBeVisible();
  await expect(row(page, 'e2e-ship')).toContainText('Shipping');
  // Delete isn't allowed while shipping: the button is off and says why.
  await expect(details.getByRole('button', { name: 'Delete job' })).toBeDisabled();
  await expect(details.getByText('A job can be deleted only while Creating or once Completed; this job is Shipping.')).toBeVisible();
  await expect(details.getByRole('list', { name: 'Timeline' })).toContainText('Tracking number TRK-E2E-0002 (FedEx) entered.');

  // Two weeks pass in a second: the job that never got a tracking number is shown deleted, with Azure's reason.
  await localCloudAdmin(await seeder.azure.profile(), 'POST', '/clock', { advance: '15d' });
  await checkNow(page);
  await expect(row(page, 'e2e-forgotten')).toContainText('Deleted');
  await expect(row(page, 'e2e-forgotten')).toContainText('no shipping information (carrier and tracking number) was entered within two weeks');
  await expect(row(page, 'e2e-ship')).toContainText('Shipping');

  // The CompletedMoreInfo drive: state and result explained in plain words, and its error log shown readably.
  await row(page, 'e2e-moreinfo').getByRole('button', { name: 'e2e-moreinfo' }).click();
  const more = page.getByRole('region', { name: 'Job e2e-moreinfo details' });
  const drive = more.getByRole('row', { name: 'Drive WD-E2E-MORE' });
  await expect(drive).toContainText('CompletedMoreInfo');
  await expect(drive).toContainText('ManifestCorrupted');
  await expect(drive).toContainText('does not match the manifest hash in the job');
  await drive.getByRole('button', { name: 'Show logs' }).click();
  const log = more.getByLabel('Logs of drive WD-E2E-MORE');
  await expect(log).toContainText('Drive result ManifestCorrupted');
  await expect(log).toContainText('Prepare this drive again with disk prep');
  await expect(log.getByRole('list', { name: 'Files with problems' })).toContainText('seedship-import/p/pack-001');
  await expect(log).not.toContainText(KEY);
  await expect(page.getByText('Not connected to Seedship')).toHaveCount(0);
});
