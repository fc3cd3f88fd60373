import type { ArmContext } from '../context';
import { storageAccountById } from '../context';
import { ArmError } from '../http-kit';
import { DRIVE_STATES, type StoredDrive, type StoredJob } from './job-rules';

/**
 * The datacenter's side of an import job (rehearsal admin API, not Azure's): what the staff at the
 * dock need to process a package (keys, manifest hashes, the storage account and its key), and the
 * state changes they report back. The datacenter program (`localcloud receive`) is the only caller.
 */
export interface DatacenterJob {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  jobType: string;
  state: string;
  trackingNumber: string | null;
  cancelRequested: boolean;
  diagnosticsPath: string;
  logLevel: string;
  backupDriveManifest: boolean;
  storageAccount: { name: string; blobEndpoint: string; accountKey: string };
  drives: Pick<StoredDrive, 'driveId' | 'bitLockerKey' | 'manifestFile' | 'manifestHash' | 'state'>[];
}

/** A drive's report: only the fields the service itself fills in. */
export interface DriveReport {
  driveId: string;
  state?: string;
  copyStatus?: string;
  percentComplete?: number;
  bytesSucceeded?: number;
  errorLogUri?: string;
  verboseLogUri?: string;
  manifestUri?: string;
}

const JOBS = 'Microsoft.ImportExport/jobs';
const groupScope = (job: StoredJob) => `/subscriptions/${job.internal.subscriptionId}/resourceGroups/${job.internal.resourceGroup}`;
const jobId = (s: string, rg: string, name: string) => `/subscriptions/${s}/resourceGroups/${rg}/providers/${JOBS}/${name}`;

/** Job states the datacenter moves a job through, and where each may go next (REFERENCE: job states). */
const NEXT_JOB_STATE: Record<string, readonly string[]> = {
  Received: ['Transferring', 'Packaging'],
  Transferring: ['Packaging'],
  Packaging: ['Completed', 'Closed'],
};

/** Drive states the copy moves a drive through (REFERENCE: drive states). */
const NEXT_DRIVE_STATE: Record<string, readonly string[]> = {
  Received: ['Transferring', 'CompletedMoreInfo'],
  Transferring: ['Completed', 'CompletedMoreInfo'],
};

export function datacenterJob(ctx: ArmContext, job: StoredJob): DatacenterJob {
  const account = storageAccountById(ctx, String(job.properties.storageAccountId ?? ''));
  if (!account) throw new ArmError(409, 'StorageAccountNotFound', `The job ${job.name} names a storage account the local cloud doesn't have.`);
  const delivery = job.properties.deliveryPackage as { trackingNumber?: string } | undefined;
  return {
    subscriptionId: job.internal.subscriptionId,
    resourceGroup: job.internal.resourceGroup,
    name: job.name,
    jobType: String(job.properties.jobType),
    state: job.properties.state,
    trackingNumber: delivery?.trackingNumber ?? null,
    cancelRequested: job.properties.cancelRequested === true,
    diagnosticsPath: typeof job.properties.diagnosticsPath === 'string' && job.properties.diagnosticsPath !== '' ? job.properties.diagnosticsPath : 'waimportexport',
    logLevel: String(job.properties.logLevel ?? 'Error'),
    backupDriveManifest: job.properties.backupDriveManifest === true,
    storageAccount: { name: account.name, blobEndpoint: ctx.azurite.blobEndpoint(account.name), accountKey: ctx.azurite.accountKey(account.name) },
    drives: job.properties.driveList.map((d) => ({ driveId: d.driveId, bitLockerKey: d.bitLockerKey, manifestFile: d.manifestFile, manifestHash: d.manifestHash, state: d.state })),
  };
}

/** Every job of that name across the local cloud's subscriptions (names are unique per resource group only). */
export function findJobsByName(ctx: ArmContext, name: string): StoredJob[] {
  return ctx.world.subscriptions.flatMap((s) => ctx.store.list<StoredJob>(JOBS, `/subscriptions/${s.subscriptionId}`)).filter((j) => j.name.toLowerCase() === name.toLowerCase());
}

export function requireStoredJob(ctx: ArmContext, s: string, rg: string, name: string): StoredJob {
  const job = ctx.store.get<StoredJob>(jobId(s, rg, name));
  if (!job) throw new ArmError(404, 'ResourceNotFound', `No import job ${name} in ${rg}.`);
  return job;
}

/**
 * The package is at the dock: the job must be an import job in Shipping with a tracking number
 * (Import/Export processes nothing without one), and every drive in it must be listed in the job.
 * The job and those drives become Received; a drive once marked NeverReceived comes back too.
 */
export function markPackageReceived(ctx: ArmContext, job: StoredJob, driveIds: unknown): StoredJob {
  if (!Array.isArray(driveIds) || driveIds.length === 0 || !driveIds.every((d) => typeof d === 'string')) {
    throw new ArmError(400, 'InvalidRequestContent', 'Send {"driveIds":["<serial>", ...]}: the drives found in the package.');
  }
  const delivery = job.properties.deliveryPackage as { trackingNumber?: string } | undefined;
  if (job.properties.jobType !== 'Import') throw new ArmError(409, 'NotAnImportJob', `${job.name} is an ${String(job.properties.jobType)} job; the datacenter receives drives for import jobs only.`);
  if (job.properties.state !== 'Shipping' || !delivery?.trackingNumber) {
    const why = job.properties.state === 'Creating' ? 'no carrier and tracking number have been entered yet (the job is still Creating)' : `the job is ${job.properties.state}`;
    throw new ArmError(409, 'JobNotShipping', `The datacenter can't receive a package for ${job.name}: ${why}. Only a job in Shipping state, with its tracking number, can be received.`);
  }
  const unknown = (driveIds as string[]).filter((id) => !job.properties.driveList.some((d) => d.driveId.toLowerCase() === id.toLowerCase()));
  if (unknown.length > 0) throw new ArmError(409, 'DriveNotInJob', `The drive ${unknown.join(', ')} is not listed in the job ${job.name}.`);
  job.properties.state = 'Received';
  for (const drive of job.properties.driveList) {
    if ((driveIds as string[]).some((id) => id.toLowerCase() === drive.driveId.toLowerCase())) drive.state = 'Received';
  }
  return save(ctx, job);
}

/** The copy's reports: drive fields and states as they advance, then the job's state; only forward moves. */
export function reportProgress(ctx: ArmContext, job: StoredJob, body: Record<string, unknown>): StoredJob {
  const reports = body.drives ?? [];
  if (!Array.isArray(reports)) throw new ArmError(400, 'InvalidRequestContent', '"drives" must be a list of drive reports.');
  for (const raw of reports as DriveReport[]) {
    const drive = job.properties.driveList.find((d) => d.driveId.toLowerCase() === String(raw?.driveId ?? '').toLowerCase());
    if (!drive) throw new ArmError(409, 'DriveNotInJob', `The drive ${String(raw?.driveId)} is not listed in the job ${job.name}.`);
    if (raw.state !== undefined && raw.state !== drive.state) {
      if (!(DRIVE_STATES as readonly string[]).includes(raw.state) || !(NEXT_DRIVE_STATE[drive.state] ?? []).includes(raw.state)) {
        throw new ArmError(409, 'InvalidStateTransition', `The drive ${drive.driveId} is ${drive.state}; it can't become ${raw.state}.`);
      }
      drive.state = raw.state;
    }
    if (raw.copyStatus !== undefined) drive.copyStatus = String(raw.copyStatus);
    if (raw.percentComplete !== undefined) drive.percentComplete = clampPercent(raw.percentComplete);
    if (raw.bytesSucceeded !== undefined) drive.bytesSucceeded = Math.max(0, Math.floor(Number(raw.bytesSucceeded) || 0));
    for (const field of ['errorLogUri', 'verboseLogUri', 'manifestUri'] as const) {
      if (typeof raw[field] === 'string') drive[field] = raw[field];
    }
  }
  const state = body.state;
  if (state !== undefined && state !== job.properties.state) {
    if (typeof state !== 'string' || !(NEXT_JOB_STATE[job.properties.state] ?? []).includes(state)) {
      throw new ArmError(409, 'InvalidStateTransition', `The job ${job.name} is ${job.properties.state}; it can't become ${String(state)}.`);
    }
    job.properties.state = state;
  }
  const received = job.properties.driveList.filter((d) => d.state !== 'Specified' && d.state !== 'NeverReceived');
  job.properties.percentComplete = received.length === 0 ? 0 : Math.floor(received.reduce((sum, d) => sum + (d.percentComplete ?? 0), 0) / received.length);
  return save(ctx, job);
}

function clampPercent(value: unknown): number {
  const n = Math.floor(Number(value));
  return Number.isFinite(n) ? Math.min(100, Math.max(0, n)) : 0;
}

function save(ctx: ArmContext, job: StoredJob): StoredJob {
  ctx.store.put(job.id, JOBS, groupScope(job), job);
  return job;
}
