// Integration: the app's Azure layer (msal-node, the Azure SDK clients) against the real local cloud
// process on random ports, in a temporary data folder.
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudProfile } from '../../../shared/azure/cloud-profile';
import { SeedshipError } from '../../../shared/api/errors';
import { createAppServices, type AppServices } from '../app-services';
import type { AzureGateway } from './azure-service';
import { localCloudAdmin } from './local-cloud-admin';

const ENTRY = join(__dirname, '..', '..', '..', 'dist', 'localcloud.mjs');
const USER = { username: 'operator@contoso.test', password: 'Rehearse-Seedship-1' };
const RG = 'seedship-rg';

let dataDir: string;
let app: AppServices;
let profile: CloudProfile;
let azure: AzureGateway;

const drive = (id: string) => ({ driveId: id, bitLockerKey: '238810-662376-448998-450120-652806-203390-606320-483076', manifestFile: '\\DriveManifest.xml', manifestHash: 'A1B2C3D4E5F60718293A4B5C6D7E8F90' });
const returnAddress = { recipientName: 'Backup Operator', streetAddress1: '1 Main St', city: 'Redmond', stateOrProvince: 'WA', postalCode: '98052', countryOrRegion: 'USA', phone: '4255550100', email: 'op@contoso.test' };

beforeAll(async () => {
  process.env.SEEDSHIP_LOCALCLOUD_PORT_BASE = '0';
  dataDir = mkdtempSync(join(tmpdir(), 'seedship-azure-'));
  app = createAppServices({ dataDir, transport: 'cli', version: 'test', localCloudEntry: ENTRY });
  profile = await app.azure.profile();
  // Device code sign-in, completed the way a script does it (the rehearsal admin API).
  const account = await app.azure.auth.signInWithDeviceCode((prompt) => {
    void localCloudAdmin(profile, 'POST', '/device-codes/approve', { userCode: prompt.userCode, ...USER });
  });
  expect(account.username).toBe(USER.username);
  azure = await app.azure.gateway(profile.subscriptionId!);
}, 60_000);

afterAll(async () => {
  await app?.close();
  rmSync(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
});

async function refusal(promise: Promise<unknown>): Promise<SeedshipError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SeedshipError);
  return error as SeedshipError;
}

describe('the app against the local cloud', () => {
  it('trusts the local cloud only through its CA, and the status says who is signed in', async () => {
    expect(profile.authority).toMatch(/^https:\/\/127\.0\.0\.1:\d+\//);
    const status = await app.services.cloud.status({});
    expect(status).toMatchObject({ profile: 'local', localCloud: 'running', account: { username: USER.username }, problem: null });
  });

  it('registers Microsoft.DataBox when it is NotRegistered', async () => {
    expect(await azure.providers.state('Microsoft.DataBox')).toBe('NotRegistered');
    expect(['Registering', 'Registered']).toContain(await azure.providers.register('Microsoft.DataBox'));
    expect(await azure.providers.state('Microsoft.DataBox')).toBe('Registered');
  });

  it('tells general purpose storage accounts from others and creates a container', async () => {
    const account = await azure.storageAccounts.find('contosobackup');
    expect(account).toMatchObject({ resourceGroup: RG, generalPurpose: true });
    expect((await azure.storageAccounts.find('contosoblobonly')).generalPurpose).toBe(false);
    const missing = await refusal(azure.storageAccounts.find('nosuchaccount'));
    expect(missing).toMatchObject({ code: 'NOT_FOUND', field: 'storageAccount' });
    expect(await azure.storageAccounts.containerExists(RG, 'contosobackup', 'seedship-seed')).toBe(false);
    await azure.storageAccounts.createContainer(RG, 'contosobackup', 'seedship-seed');
    expect(await azure.storageAccounts.containerExists(RG, 'contosobackup', 'seedship-seed')).toBe(true);
  });

  it('creates an import job with two drives, ships it, and keeps the rules', async () => {
    const { id: storageAccountId } = await azure.storageAccounts.find('contosobackup');
    expect(await azure.importJobs.exists(RG, 'seed-job-1')).toBe(false);
    const created = await azure.importJobs.create(RG, 'seed-job-1', {
      location: 'westus2',
      properties: { storageAccountId, jobType: 'Import', returnAddress, returnShipping: { carrierName: 'FedEx', carrierAccountNumber: '123456789' }, diagnosticsPath: 'waimportexport', logLevel: 'Error', driveList: [drive('WD-WCC4E0000001'), drive('WD-WCC4E0000002')] },
    });
    expect(created.properties?.state).toBe('Creating');
    expect((await azure.importJobs.list()).map((j) => j.name)).toContain('seed-job-1');
    expect((await azure.importJobs.list(RG)).map((j) => j.name)).toContain('seed-job-1');

    const keys = await azure.importJobs.bitLockerKeys(RG, 'seed-job-1');
    expect(keys.map((k) => k.driveId).sort()).toEqual(['WD-WCC4E0000001', 'WD-WCC4E0000002']);

    const shipped = await azure.importJobs.update(RG, 'seed-job-1', { state: 'Shipping', deliveryPackage: { carrierName: 'FedEx', trackingNumber: '794600000001', driveCount: 2, shipDate: '2026-11-25' } });
    expect(shipped.properties?.state).toBe('Shipping');

    const deleteShipping = await refusal(azure.importJobs.delete(RG, 'seed-job-1'));
    expect(deleteShipping.message).toMatch(/^Azure refused deleting import job seed-job-1: /);

    await azure.importJobs.create(RG, 'seed-job-2', { location: 'westus2', properties: { storageAccountId, jobType: 'Import', returnAddress, driveList: [drive('WD-WCC4E0000003')] } });
    const duplicate = await refusal(azure.importJobs.update(RG, 'seed-job-2', { deliveryPackage: { carrierName: 'FedEx', trackingNumber: '794600000001', driveCount: 1, shipDate: '2026-11-25' } }));
    expect(duplicate.message).toMatch(/tracking/i);

    const eleven = await refusal(
      azure.importJobs.create(RG, 'seed-job-3', { location: 'westus2', properties: { storageAccountId, jobType: 'Import', returnAddress, driveList: Array.from({ length: 11 }, (_, i) => drive(`SERIAL${i}`)) } }),
    );
    expect(eleven.code).toBe('VALIDATION');
    // A job still Creating can be deleted; it is gone afterwards.
    await azure.importJobs.create(RG, 'short-lived', { location: 'westus2', properties: { storageAccountId, jobType: 'Import', returnAddress, driveList: [drive('WD-SHORT1')] } });
    await azure.importJobs.delete(RG, 'short-lived');
    expect(await azure.importJobs.exists(RG, 'short-lived')).toBe(false);

    const badName = await refusal(azure.importJobs.create(RG, 'Bad_Name!', { location: 'westus2', properties: { storageAccountId, jobType: 'Import', returnAddress, driveList: [drive('X1')] } }));
    expect(badName.code).toBe('VALIDATION');
  });

  it('deletes a Creating job two weeks after creation without shipping information', async () => {
    const { id: storageAccountId } = await azure.storageAccounts.find('contosobackup');
    await azure.importJobs.create(RG, 'forgotten-job', { location: 'westus2', properties: { storageAccountId, jobType: 'Import', driveList: [drive('WD-FORGOTTEN1')] } });
    await localCloudAdmin(profile, 'POST', '/clock', { advance: '15d' });
    const gone = await refusal(azure.importJobs.get(RG, 'forgotten-job'));
    expect(gone.code).toBe('NOT_FOUND');
    expect(gone.message).toMatch(/two weeks|14 days|shipping/i);
    // A shipped job is not deleted by the deadline.
    expect((await azure.importJobs.get(RG, 'seed-job-1')).properties?.state).toBeDefined();
  });

  it('shows the datacenter address and carriers of a location', async () => {
    const locations = await azure.importJobs.locations();
    expect(locations.length).toBeGreaterThan(3);
    const west = await azure.importJobs.location('westus2');
    expect(west.supportedCarriers?.length).toBeGreaterThan(0);
    expect(west.streetAddress1).toBeTruthy();
  });

  it('creates the Entra application and grants it access to the one storage account', async () => {
    const entra = await azure.entraApps.createApplication('Seedship offline backup seed-job-1');
    expect(entra.appId).toMatch(/^[0-9a-f-]{36}$/);
    const { id } = await azure.storageAccounts.find('contosobackup');
    expect(await azure.entraApps.grantBlobAccess(id, entra.servicePrincipalId)).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('keeps the session, encrypted, across restarts, and refuses calls after sign-out', async () => {
    const cacheFile = readFileSync(join(dataDir, 'auth', 'token-cache-local.bin'));
    expect(cacheFile.toString('latin1')).not.toMatch(/refresh_token|eyJ/);
    const again = createAppServices({ dataDir, transport: 'cli', version: 'test', localCloudEntry: ENTRY });
    try {
      expect((await again.azure.auth.account())?.username).toBe(USER.username);
      await again.azure.auth.signOut();
      const gateway = await again.azure.gateway(profile.subscriptionId!);
      const refused = await refusal(gateway.importJobs.list());
      expect(refused.message).toMatch(/sign in/i);
    } finally {
      await again.close();
    }
  });

  it('signs in interactively: auth code + PKCE through a loopback redirect, in a real browser', async () => {
    const pem = readFileSync(join(dataDir, 'localcloud', 'tls', 'server.pem'), 'utf8');
    const pin = createHash('sha256').update(new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' })).digest('base64');
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', `--ignore-certificate-errors-spki-list=${pin}`],
    });
    try {
      const account = await app.azure.auth.signInInteractive(async (url) => {
        const page = await browser.newPage();
        await page.goto(url);
        await page.getByLabel('Email').fill('auditor@contoso.test');
        await page.getByLabel('Password').fill('Rehearse-Seedship-2');
        await page.getByRole('button', { name: 'Sign in' }).click();
        const accept = page.getByRole('button', { name: 'Accept' });
        if (await accept.isVisible().catch(() => false)) await accept.click();
      });
      expect(account.username).toBe('auditor@contoso.test');
    } finally {
      await browser.close();
    }
  }, 60_000);
});
