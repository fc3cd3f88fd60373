// Integration: the job dashboard's service and `seedship jobs` against the real local cloud process
// (ARM over HTTPS with its own CA, Azurite for the diagnostics logs), in a temporary data folder.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudProfile } from '../../../shared/azure/cloud-profile';
import { SeedshipError } from '../../../shared/api/errors';
import type { JobChange, JobList } from '../../../shared/jobs/jobs-api';
import { createAppServices, type AppServices } from '../app-services';
import type { AzureGateway } from '../azure/azure-service';
import { localCloudAdmin } from '../azure/local-cloud-admin';
import { openDiagnosticsContainer } from './diagnostics-logs';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const ENTRY = join(ROOT, 'dist', 'localcloud.mjs');
const CLI = join(ROOT, 'bin', 'seedship.mjs');
const USER = { username: 'operator@contoso.test', password: 'Rehearse-Seedship-1' };
const RG = 'seedship-rg';
const KEY = '238810-662376-448998-450120-652806-203390-606320-483076';
const returnAddress = { recipientName: 'Backup Operator', streetAddress1: '1 Main St', city: 'Redmond', stateOrProvince: 'WA', postalCode: '98052', countryOrRegion: 'US', phone: '4255550100', email: 'op@contoso.test' };

let dataDir: string;
let app: AppServices;
let profile: CloudProfile;
let azure: AzureGateway;
let storageAccountId: string;
const heard: JobChange[] = [];

const ref = (jobName: string) => ({ subscriptionId: profile.subscriptionId as string, resourceGroup: RG, jobName });
const drive = (driveId: string) => ({ driveId, bitLockerKey: KEY, manifestFile: '\\DriveManifest.xml', manifestHash: 'A1B2C3D4E5F60718293A4B5C6D7E8F90' });

async function createJob(name: string, extra: Record<string, unknown> = {}, drives = [drive(`WD-${name.toUpperCase()}`)]) {
  await azure.importJobs.create(RG, name, { location: 'westus2', properties: { storageAccountId, jobType: 'Import', diagnosticsPath: 'waimportexport', logLevel: 'Error', driveList: drives, ...extra } });
}

async function refusal(promise: Promise<unknown>): Promise<SeedshipError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SeedshipError);
  return error as SeedshipError;
}

const byName = (list: JobList, name: string) => list.jobs.find((j) => j.name === name);

function seedship(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, SEEDSHIP_DATA_DIR: dataDir } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  process.env.SEEDSHIP_LOCALCLOUD_PORT_BASE = '0';
  dataDir = mkdtempSync(join(tmpdir(), 'seedship-jobs-'));
  app = createAppServices({ dataDir, transport: 'cli', version: 'test', localCloudEntry: ENTRY });
  app.events.on('jobs.changed', ({ changes }) => heard.push(...changes));
  profile = await app.azure.profile();
  await app.azure.auth.signInWithDeviceCode((prompt) => {
    void localCloudAdmin(profile, 'POST', '/device-codes/approve', { userCode: prompt.userCode, ...USER });
  });
  azure = await app.azure.gateway(profile.subscriptionId as string);
  storageAccountId = (await azure.storageAccounts.find('contosobackup')).id;
}, 60_000);

afterAll(async () => {
  await app?.close();
  rmSync(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
});

describe('the job dashboard against the local cloud', () => {
  it('lists every import job with its state and the two-week deadline', async () => {
    await createJob('dash-a', { returnAddress, returnShipping: { carrierName: 'FedEx', carrierAccountNumber: '123456789' } });
    await createJob('dash-b', { returnAddress, deliveryPackage: { carrierName: 'UPS', trackingNumber: 'TRK-DASH-1', driveCount: 1, shipDate: '2026-12-01' } });
    await createJob('dash-forgotten');
    const list = await app.jobs.list();
    expect(list.problems).toEqual([]);
    expect(byName(list, 'dash-a')).toMatchObject({ state: 'Creating', driveCount: 1, trackingNumber: null, deadline: { level: 'ok', daysLeft: 14 } });
    expect(byName(list, 'dash-a')?.deadline?.message).toMatch(/14 days left to enter the carrier and tracking number/);
    expect(byName(list, 'dash-b')).toMatchObject({ trackingNumber: 'TRK-DASH-1', deadline: { level: 'met' } });
  });

  it('refuses a tracking number another job uses before sending anything, then sets a fresh one', async () => {
    const duplicate = await refusal(app.jobs.track({ ...ref('dash-a'), carrierName: 'FedEx', trackingNumber: 'trk-dash-1' }));
    expect(duplicate).toMatchObject({ code: 'CONFLICT', field: 'trackingNumber' });
    expect(duplicate.message).toMatch(/already used by the import job dash-b/);
    expect((await azure.importJobs.get(RG, 'dash-a')).properties?.deliveryPackage).toBeUndefined();

    const carrier = await refusal(app.jobs.track({ ...ref('dash-a'), carrierName: 'Royal Mail', trackingNumber: 'TRK-DASH-2' }));
    expect(carrier).toMatchObject({ code: 'VALIDATION', field: 'carrierName' });
    const noAddress = await refusal(app.jobs.track({ ...ref('dash-forgotten'), carrierName: 'FedEx', trackingNumber: 'TRK-DASH-9' }));
    expect(noAddress).toMatchObject({ field: 'returnAddress' });

    const shipped = await app.jobs.track({ ...ref('dash-a'), carrierName: 'FedEx', trackingNumber: 'TRK-DASH-2' });
    expect(shipped).toMatchObject({ state: 'Shipping', trackingNumber: 'TRK-DASH-2', carrierName: 'FedEx', deadline: { level: 'met' } });
    expect(shipped.actions.delete).toMatchObject({ allowed: false, reason: expect.stringMatching(/only while Creating or once Completed; this job is Shipping/) });
    expect(shipped.timeline.map((t) => t.text)).toEqual(expect.arrayContaining(['Job created.', expect.stringMatching(/^On the way to the datacenter/), expect.stringMatching(/TRK-DASH-2/)]));
    expect(heard.some((c) => c.jobName === 'dash-a' && c.to === 'Shipping')).toBe(true);
  });

  it('shows a job without tracking as deleted, with the reason, once the clock passes two weeks', async () => {
    await localCloudAdmin(profile, 'POST', '/clock', { advance: '15d' });
    const list = await app.jobs.list();
    const forgotten = byName(list, 'dash-forgotten');
    expect(forgotten?.state).toBe('Deleted');
    expect(forgotten?.deleted?.reason).toMatch(/no shipping information .* within two weeks/);
    expect(byName(list, 'dash-a')?.state).toBe('Shipping');
    expect(heard).toContainEqual(expect.objectContaining({ jobName: 'dash-forgotten', to: 'Deleted' }));
    const detail = await app.jobs.show(ref('dash-forgotten'));
    expect(detail.actions.track).toMatchObject({ allowed: false, reason: 'The job no longer exists in Azure.' });
  });

  it('explains a CompletedMoreInfo drive with ManifestCorrupted from its error log, and shows the log readably', async () => {
    await createJob('dash-moreinfo', { returnAddress }, [drive('WD-MORE1'), drive('WD-MORE2')]);
    await app.jobs.list();
    await localCloudAdmin(profile, 'POST', `/jobs/${profile.subscriptionId as string}/${RG}/dash-moreinfo/state`, { state: 'Completed', driveStates: { 'WD-MORE1': 'CompletedMoreInfo' } });
    const container = await openDiagnosticsContainer(app.azure, storageAccountId, 'waimportexport');
    await container.createIfNotExists();
    const xml = `<?xml version="1.0" encoding="utf-8"?><DriveLog Version="2014-11-01"><DriveId>WD-MORE1</DriveId><BitLockerKey>${KEY}</BitLockerKey><Status>ManifestCorrupted</Status></DriveLog>`;
    await container.getBlockBlobClient('waies/dash-moreinfo_WD-MORE1_20261220T101500Z_error.xml').upload(xml, Buffer.byteLength(xml));
    // The datacenter's copy of the drive's manifest shares the logs' prefix; it is not a log.
    const manifest = '<?xml version="1.0" encoding="utf-8"?><DriveManifest Version="2014-11-01"><Drive><DriveId>WD-MORE1</DriveId><BlobList><Blob><BlobPath>p/pack-001</BlobPath></Blob></BlobList></Drive></DriveManifest>';
    await container.getBlockBlobClient('waies/dash-moreinfo_WD-MORE1_20261220T101500Z_DriveManifest.xml').upload(manifest, Buffer.byteLength(manifest));

    const detail = await app.jobs.show(ref('dash-moreinfo'));
    const more = detail.drives.find((d) => d.driveId === 'WD-MORE1');
    expect(more).toMatchObject({ state: 'CompletedMoreInfo', result: { code: 'ManifestCorrupted', source: 'errorLog' } });
    expect(more?.result?.explanation.meaning).toMatch(/does not match the manifest hash/);
    expect(detail.drives.find((d) => d.driveId === 'WD-MORE2')).toMatchObject({ state: 'Completed', result: { code: 'Completed' } });
    expect(detail.timeline.some((t) => t.state === 'Completed' && t.kind === 'job')).toBe(true);

    const logs = await app.jobs.driveLogs({ ...ref('dash-moreinfo'), driveId: 'WD-MORE1' });
    expect(logs.problem).toBeNull();
    expect(logs.logs.map((l) => l.blobName)).toEqual(['waies/dash-moreinfo_WD-MORE1_20261220T101500Z_error.xml']);
    expect(logs.logs[0]).toMatchObject({ kind: 'error', status: 'ManifestCorrupted', timestamp: '20261220T101500Z', truncated: false });
    expect(logs.logs[0]?.text).not.toContain(KEY);
    const none = await app.jobs.driveLogs({ ...ref('dash-moreinfo'), driveId: 'WD-MORE2' });
    expect(none.logs).toEqual([]);
    expect(none.problem).toMatch(/No logs/);
  });

  it('cancels and deletes only where the state allows, saying why not', async () => {
    const refused = await refusal(app.jobs.delete(ref('dash-a')));
    expect(refused).toMatchObject({ code: 'CONFLICT' });
    expect(refused.message).toMatch(/this job is Shipping/);
    const cancelled = await app.jobs.cancel(ref('dash-a'));
    expect(cancelled.cancelRequested).toBe(true);
    expect(cancelled.actions.cancel.allowed).toBe(false);
    const deleted = await app.jobs.delete(ref('dash-moreinfo'));
    expect(deleted).toMatchObject({ state: 'Deleted', deleted: { reason: expect.stringMatching(/^Deleted by operator@contoso.test with Seedship/) } });
  });

  it('keeps notification emails in the app and refuses a bad one, naming it', async () => {
    const bad = await refusal(app.jobs.setNotificationEmails(ref('dash-b'), ['ops@contoso.test', 'not-an-email']));
    expect(bad).toMatchObject({ code: 'VALIDATION', field: 'emails.1' });
    expect((await app.jobs.setNotificationEmails(ref('dash-b'), ['ops@contoso.test'])).notificationEmails).toEqual(['ops@contoso.test']);
  });

  it('does the same from a terminal: seedship jobs list|show|track', async () => {
    const list = await seedship(['jobs', 'list', '--json']);
    expect(list.code).toBe(0);
    const parsed = JSON.parse(list.stdout) as JobList;
    expect(byName(parsed, 'dash-forgotten')?.state).toBe('Deleted');

    const table = await seedship(['jobs', 'list']);
    expect(table.stdout).toMatch(/^JOB\s+STATE/);
    expect(table.stdout).toMatch(/dash-b\s+Shipping|dash-b\s+Creating/);

    await createJob('dash-cli', { returnAddress });
    const duplicate = await seedship(['jobs', 'track', 'dash-cli', '--carrier', 'FedEx', '--tracking', 'TRK-DASH-1']);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toMatch(/already used by the import job dash-b/);
    const tracked = await seedship(['jobs', 'track', 'dash-cli', '--carrier', 'FedEx', '--tracking', 'TRK-DASH-3']);
    expect(tracked.stdout).toMatch(/TRK-DASH-3 .* the job is Shipping/);

    const show = await seedship(['jobs', 'show', 'dash-forgotten']);
    expect(show.stdout).toMatch(/State: Deleted/);
    expect(show.stdout).toMatch(/within two weeks/);
    const del = await seedship(['jobs', 'delete', 'dash-cli']);
    expect(del.code).toBe(2);
    expect(del.stderr).toMatch(/--yes/);
  }, 60_000);
});
