import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import type { DatacenterJob } from '../resource-manager/importexport/datacenter-desk';
import { writeDriveLogs } from './diagnostics-logs';
import type { DeskClient } from './desk-client';
import { takeInDrive } from './drive-intake';
import { readDriveSerial } from './drive-serial';
import type { DriveStatusCode } from './result-codes';

/** A drive handed to the datacenter: its path, and its serial when the operator reads it off the label. */
export interface PackageDrive {
  path: string;
  serial?: string;
}

export interface DriveReceipt {
  driveId: string;
  device: string;
  state: 'Completed' | 'CompletedMoreInfo';
  status: DriveStatusCode;
  message: string | null;
  blobs: number;
  blobsFailed: number;
  bytesSucceeded: number;
  errorLogUri?: string;
  verboseLogUri?: string;
  manifestUri?: string;
}

export interface PackageReceipt {
  job: string;
  resourceGroup: string;
  state: 'Completed' | 'Closed';
  drives: DriveReceipt[];
  /** Drives of the job that were not in the package (they stay Specified or NeverReceived). */
  missing: string[];
}

/** A refusal before anything changed: the job or a drive isn't one the datacenter can take. */
export class PackageRefused extends Error {}

/**
 * The Import/Export datacenter for one package: identifies each drive by its serial, refuses a job
 * that isn't Shipping (with a tracking number) or a drive the job doesn't list, marks the package
 * received, then copies each drive into the job's storage account (drive by drive: Received →
 * Transferring → Completed | CompletedMoreInfo) with its logs in the diagnostics container, and
 * moves the job Received → Transferring → Packaging → Completed (every drive of the job completed
 * cleanly) or Closed (any error or missing drive).
 */
export async function receivePackage(desk: DeskClient, jobName: string, drives: PackageDrive[], options: { resourceGroup?: string; say?: (line: string) => void } = {}): Promise<PackageReceipt> {
  const say = options.say ?? (() => undefined);
  let job = await desk.findJob(jobName, options.resourceGroup);
  if (job.jobType !== 'Import') throw new PackageRefused(`${job.name} is an ${job.jobType} job: the datacenter receives drives for import jobs only.`);
  if (job.state !== 'Shipping' || !job.trackingNumber) {
    const why = job.state === 'Creating' ? 'it is still Creating: enter the carrier and tracking number and mark it Shipping first' : `it is ${job.state}`;
    throw new PackageRefused(`The datacenter can't receive ${job.name}: ${why}. Only a job in Shipping state, with a tracking number, can be received.`);
  }
  const identified = await identify(job, drives);
  job = await desk.packageReceived(job, identified.map((d) => d.driveId));
  say(`Package for ${job.name} (tracking ${job.trackingNumber ?? '?'}) received: ${identified.length} drive(s).`);
  job = await desk.progress(job, { state: 'Transferring' });

  const { name: account, blobEndpoint, accountKey } = job.storageAccount;
  const service = new BlobServiceClient(blobEndpoint, new StorageSharedKeyCredential(account, accountKey));
  const receipts: DriveReceipt[] = [];
  for (const { device, driveId } of identified) {
    const drive = job.drives.find((d) => d.driveId === driveId) as DatacenterJob['drives'][number];
    await desk.progress(job, { drives: [{ driveId, state: 'Transferring', copyStatus: 'InProgress', percentComplete: 0, bytesSucceeded: 0 }] });
    say(`Drive ${driveId} (${device}): unlocking and copying…`);
    let reported = Date.now();
    let reporting: Promise<unknown> = Promise.resolve();
    const intake = await takeInDrive(device, drive, service, (done, total) => {
      // At most one progress report every two seconds: the drive's percentComplete is coarse in Azure too.
      if (Date.now() - reported < 2000 || total === 0) return;
      reported = Date.now();
      const report = { driveId, percentComplete: Math.floor((done * 100) / total), bytesSucceeded: done };
      reporting = reporting.then(() => desk.progress(job, { drives: [report] })).catch(() => undefined);
    });
    await reporting; // so a late progress report can't land after the final one
    const logs = await writeDriveLogs(
      service,
      { jobName: job.name, diagnosticsPath: job.diagnosticsPath, logLevel: job.logLevel, backupDriveManifest: job.backupDriveManifest, at: await desk.now() },
      { driveId, status: intake.status, message: intake.message, blobs: intake.blobs },
      intake.manifest,
    );
    const state = intake.status === 'Completed' ? 'Completed' : 'CompletedMoreInfo';
    job = await desk.progress(job, { drives: [{ driveId, state, copyStatus: intake.status, percentComplete: 100, bytesSucceeded: intake.bytesSucceeded, ...logs }] });
    const receipt: DriveReceipt = {
      driveId,
      device,
      state,
      status: intake.status,
      message: intake.message,
      blobs: intake.blobs.length,
      blobsFailed: intake.blobs.filter((b) => b.status !== 'Completed').length,
      bytesSucceeded: intake.bytesSucceeded,
      ...logs,
    };
    receipts.push(receipt);
    say(`Drive ${driveId}: ${state} (${intake.status})${intake.message ? `: ${intake.message}` : ''}`);
  }

  const received = new Set(identified.map((d) => d.driveId));
  const missing = job.drives.filter((d) => !received.has(d.driveId)).map((d) => d.driveId);
  const final = missing.length === 0 && receipts.every((r) => r.status === 'Completed') ? 'Completed' : 'Closed';
  job = await desk.progress(job, { state: 'Packaging' });
  job = await desk.progress(job, { state: final });
  return { job: job.name, resourceGroup: job.resourceGroup, state: final, drives: receipts, missing };
}

/** Each drive's serial (read from the drive, or as given), matched to the job's driveList. */
async function identify(job: DatacenterJob, drives: PackageDrive[]): Promise<{ device: string; driveId: string }[]> {
  if (drives.length === 0) throw new PackageRefused('The package holds no drives: give at least one --drive.');
  const out: { device: string; driveId: string }[] = [];
  for (const drive of drives) {
    let serial = drive.serial;
    if (!serial) {
      try {
        serial = await readDriveSerial(drive.path);
      } catch (error) {
        throw new PackageRefused(`Can't identify ${drive.path}: ${(error as Error).message}`);
      }
    }
    const listed = job.drives.find((d) => d.driveId.toLowerCase() === (serial as string).toLowerCase());
    if (!listed) throw new PackageRefused(`The drive ${drive.path} (serial ${serial}) is not in the job ${job.name}, which lists ${job.drives.map((d) => d.driveId).join(', ')}.`);
    if (out.some((o) => o.driveId === listed.driveId)) throw new PackageRefused(`The drive ${listed.driveId} is given twice.`);
    out.push({ device: drive.path, driveId: listed.driveId });
  }
  return out;
}
