// Test support: the vault's rehearsal against the real local cloud (ARM + Azurite) and the real
// backup engine: an initial backup to staging, an import job created and Transferring, and staging
// put into the import container as the datacenter would. Shared by the vault and scheduler tests.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { expect } from 'vitest';
import { SeedshipError } from '../../../../shared/api/errors';
import type { CloudProfile } from '../../../../shared/azure/cloud-profile';
import { isFinished, type TaskRecord } from '../../../../shared/tasks/task-record';
import { createAppServices, type AppServices, type AppServicesOptions } from '../../app-services';
import { localCloudAdmin } from '../../azure/local-cloud-admin';
import { VaultAzure, type ContainerAccess } from '../vault-storage';

export const ROOT = join(import.meta.dirname, '..', '..', '..', '..');
export const CLI = join(ROOT, 'bin', 'seedship.mjs');
const ENTRY = join(ROOT, 'dist', 'localcloud.mjs');
const WORKERS = join(ROOT, 'dist', 'workers');
const USER = { username: 'operator@contoso.test', password: 'Rehearse-Seedship-1' };
export const PASSPHRASE = 'vault rehearsal passphrase 2026';
export const RG = 'seedship-rg';
export const ACCOUNT = 'contosobackup';
export const CONTAINER = 'seedship-vault-seed';
export const MiB = 1024 * 1024;

export interface VaultRehearsal {
  work: string;
  data: string;
  staging: string;
  source: string;
  jobName: string;
  app: AppServices;
  profile: CloudProfile;
  subscriptionId: string;
  importContainer: ContainerAccess;
  /** Moves the import job to a state through the local cloud's admin route (as the datacenter does). */
  setJobState(state: string): Promise<unknown>;
  /** Resolves when the task has finished (from the task events, no polling). */
  done(task: TaskRecord): Promise<TaskRecord>;
  close(): Promise<void>;
}

/** Every regular file under a folder: relative path → contents. */
export function tree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.set(relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'), readFileSync(join(entry.parentPath, entry.name)));
  }
  return out;
}

/** The promise's rejection, which must be a SeedshipError. */
export async function refusal(promise: Promise<unknown>): Promise<SeedshipError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SeedshipError);
  return error as SeedshipError;
}

/**
 * Starts the app on a fresh data folder with its own local cloud, signs the rehearsal operator in,
 * backs `documents/` up to staging for `jobName`, creates the import job (Transferring) and uploads
 * staging into the import container. `appOptions` adds to createAppServices' options (a clock…).
 */
export async function startVaultRehearsal(jobName: string, appOptions: Partial<AppServicesOptions> = {}): Promise<VaultRehearsal> {
  const work = mkdtempSync(join(tmpdir(), 'seedship-vault-'));
  const data = join(work, 'data');
  const staging = join(work, 'staging');
  const source = join(work, 'documents');
  mkdirSync(join(source, 'reports', '2026'), { recursive: true });
  writeFileSync(join(source, 'big.bin'), randomBytes(6 * MiB));
  writeFileSync(join(source, 'reports', '2026', 'q4.csv'), 'quarter,total\n'.repeat(20_000));
  writeFileSync(join(source, 'reports', 'Überblick – notes.txt'), 'Seedship restores this from the vault.\n');
  writeFileSync(join(source, 'empty.txt'), '');

  process.env.SEEDSHIP_LOCALCLOUD_PORT_BASE = '0';
  const app = createAppServices({ dataDir: data, transport: 'cli', version: 'test', localCloudEntry: ENTRY, workerDir: WORKERS, ...appOptions });
  const finished = new Map<string, TaskRecord>();
  const waiters = new Map<string, (record: TaskRecord) => void>();
  app.events.on('task.changed', (record) => {
    if (!isFinished(record.status)) return;
    finished.set(record.id, record);
    waiters.get(record.id)?.(record);
  });
  const close = async () => {
    await app.close();
    rmSync(work, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  };
  try {
    const profile = await app.azure.profile();
    await app.azure.auth.signInWithDeviceCode((prompt) => {
      void localCloudAdmin(profile, 'POST', '/device-codes/approve', { userCode: prompt.userCode, ...USER });
    });
    const subscriptionId = profile.subscriptionId as string;
    const azure = await app.azure.gateway(subscriptionId);

    // The initial backup to staging (the real engine), recorded for the job as Back Up Now does.
    await app.backups.backUp(
      { sources: [source], exclusions: { patterns: [], fileTypes: [] }, stagingPath: staging, jobName, passphrase: PASSPHRASE, azure: { subscriptionId, storageAccount: ACCOUNT, container: CONTAINER, resourceGroup: RG, location: 'westus2' } },
      { signal: new AbortController().signal, update: () => undefined, warn: () => undefined },
    );

    // The import job, shipped and received.
    const { id: storageAccountId } = await azure.storageAccounts.find(ACCOUNT);
    const returnAddress = { recipientName: 'Backup Operator', streetAddress1: '1 Main St', city: 'Redmond', stateOrProvince: 'WA', postalCode: '98052', countryOrRegion: 'USA', phone: '4255550100', email: 'op@contoso.test' };
    await azure.importJobs.create(RG, jobName, {
      location: 'westus2',
      properties: { storageAccountId, jobType: 'Import', returnAddress, diagnosticsPath: 'waimportexport', logLevel: 'Error', driveList: [{ driveId: 'WD-VAULT0001', bitLockerKey: '238810-662376-448998-450120-652806-203390-606320-483076', manifestFile: '\\DriveManifest.xml', manifestHash: 'A1B2C3D4E5F60718293A4B5C6D7E8F90' }] },
    });
    const setJobState = (state: string) => localCloudAdmin(profile, 'POST', `/jobs/${subscriptionId}/${RG}/${jobName}/state`, { state });
    await setJobState('Transferring');

    // The datacenter's part: each staging file becomes the block blob <path relative to staging>.
    const importContainer = await new VaultAzure(app.azure).container(subscriptionId, RG, ACCOUNT, CONTAINER);
    await importContainer.container.createIfNotExists();
    for (const [path] of tree(staging)) await importContainer.container.getBlockBlobClient(path).uploadFile(join(staging, path));

    return {
      work,
      data,
      staging,
      source,
      jobName,
      app,
      profile,
      subscriptionId,
      importContainer,
      setJobState,
      done: (task) => {
        const known = finished.get(task.id);
        if (known) return Promise.resolve(known);
        return new Promise((resolve) => waiters.set(task.id, resolve));
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
