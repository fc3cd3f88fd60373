/**
 * The Import/Export job-state model the job dashboard, `seedship jobs` and the jobs service share:
 * each job state, drive state and service result code in plain words with what to do, the two-week
 * tracking deadline, and which changes a job's state still allows (REFERENCE: "Import/Export job API",
 * Microsoft.ImportExport 2021-01-01). Pure functions: the UI explains with them, the service refuses with them.
 */

/** Job states in life-cycle order (Faulted is off to the side: the datacenter handles it). */
export const JOB_STATES = ['Creating', 'Shipping', 'Received', 'Transferring', 'Packaging', 'Completed', 'Closed'] as const;
export const DRIVE_STATES = ['Specified', 'Received', 'NeverReceived', 'Transferring', 'Completed', 'CompletedMoreInfo', 'ShippedBack'] as const;

/** Azure deletes a Creating job without shipping information two weeks after its creation. */
export const TRACKING_DEADLINE_DAYS = 14;
/** From this day after creation the dashboard warns that the deadline is near. */
export const TRACKING_WARNING_DAY = 10;
const DAY_MS = 24 * 3600 * 1000;

/** A state or code in plain words: what it means, and what the operator does now. */
export interface Explanation {
  title: string;
  meaning: string;
  action: string;
}

const JOB_STATE_TEXT: Record<string, Explanation> = {
  Creating: {
    title: 'Waiting for shipping information',
    meaning: 'The job exists, but Azure has not been told that the drives are on their way.',
    action: `Pack all drives of this job in one package, ship it to the datacenter, and enter the carrier and tracking number within ${TRACKING_DEADLINE_DAYS} days of the job's creation.`,
  },
  Shipping: {
    title: 'On the way to the datacenter',
    meaning: 'You reported the package shipped; the datacenter has not logged the drives in yet.',
    action: `Wait for delivery. If it is late, ask the carrier: drives not received ${TRACKING_DEADLINE_DAYS} days after the shipping information are marked never received.`,
  },
  Received: {
    title: 'Received at the datacenter',
    meaning: 'The drives have arrived at the datacenter and wait to be copied.',
    action: 'Nothing to do: copying starts soon. The service aims to finish within 7 to 10 days of receipt (no SLA).',
  },
  Transferring: {
    title: 'Copying into the storage account',
    meaning: 'The datacenter is copying the data from your drives into the storage account.',
    action: 'Nothing to do: follow the percent complete. The return address and carrier can still be changed.',
  },
  Packaging: {
    title: 'Packing the drives for return',
    meaning: 'The copy is finished; the drives are being packed to ship back to you.',
    action: 'Nothing to do. The return address and carrier can no longer be changed.',
  },
  Completed: {
    title: 'Completed',
    meaning: 'The data is in the storage account and the drives have been shipped back.',
    action: 'Check each drive’s result below. The next scheduled backup copies the data into the vault; after that the job can be deleted.',
  },
  Closed: {
    title: 'Closed with errors',
    meaning: 'The job ended with errors, and the drives have been shipped back.',
    action: 'Read the drive logs below to see what was not imported, then prepare and ship that data again.',
  },
  Faulted: {
    title: 'Faulted',
    meaning: 'Something went wrong that the datacenter has to handle.',
    action: 'Contact Azure support with the job name; the datacenter decides what happens to the drives.',
  },
  Deleted: {
    title: 'Deleted',
    meaning: 'The job no longer exists in Azure.',
    action: 'If the drives were not shipped, prepare a new import job. If they were, contact Azure support with the tracking number.',
  },
};

const DRIVE_STATE_TEXT: Record<string, Explanation> = {
  Specified: { title: 'Listed in the job', meaning: 'The drive is part of the job but has not reached the datacenter.', action: 'Ship it with the job’s other drives, in the one package.' },
  Received: { title: 'Received', meaning: 'The datacenter has received the drive.', action: 'Nothing to do: it waits to be copied.' },
  NeverReceived: {
    title: 'Never received',
    meaning: `The drive had not arrived ${TRACKING_DEADLINE_DAYS} days after the shipping information was entered.`,
    action: 'Check the tracking number with the carrier. If the drive turns up later it goes back to Received; otherwise contact Azure support.',
  },
  Transferring: { title: 'Copying', meaning: 'The datacenter is copying this drive’s data into the storage account.', action: 'Nothing to do.' },
  Completed: { title: 'Copied', meaning: 'Every file on the drive was imported without errors.', action: 'Nothing to do.' },
  CompletedMoreInfo: {
    title: 'Copied, with issues',
    meaning: 'The copy of this drive finished, but with warnings or errors.',
    action: 'Read the drive’s error log (shown with the drive) to see which files were not imported, then ship them again.',
  },
  ShippedBack: { title: 'Shipped back', meaning: 'The drive has been shipped back to the return address.', action: 'Watch for the return package.' },
};

const RESULT_TEXT: Record<string, Explanation> = {
  Completed: { title: 'Imported', meaning: 'Every file was imported without errors.', action: 'Nothing to do.' },
  CompletedWithWarnings: {
    title: 'Imported with warnings',
    meaning: 'Everything was imported, but some files had warnings (for example a blob renamed or overwritten).',
    action: 'Read the verbose or error log to see which files, and check them in the storage account.',
  },
  CompletedWithErrors: {
    title: 'Imported with errors',
    meaning: 'The drive was processed, but some files failed to import.',
    action: 'Read the error log for the files that failed, then ship them again on a new job.',
  },
  DiskNotFound: { title: 'Drive not found', meaning: 'The datacenter could not find this drive in the package.', action: 'Check the serial numbers you entered against the drives you packed, and contact Azure support.' },
  VolumeNotNtfs: { title: 'Not NTFS', meaning: 'The drive’s first volume is not NTFS, so nothing could be read.', action: 'Prepare the drive again with Seedship’s disk prep (it formats NTFS) and ship it on a new job.' },
  BitLockerVolumeNotFound: { title: 'No BitLocker volume', meaning: 'The drive holds no BitLocker-encrypted volume.', action: 'Prepare the drive again with disk prep, which encrypts it with BitLocker, and ship it on a new job.' },
  BitLockerNotActivated: { title: 'BitLocker not activated', meaning: 'BitLocker was set up on the drive but encryption was never turned on.', action: 'Prepare the drive again with disk prep and ship it on a new job.' },
  BitLockerProtectorNotFound: {
    title: 'No recovery password protector',
    meaning: 'The volume has no recovery password protector, so the datacenter could not unlock it.',
    action: 'Prepare the drive again with disk prep (it adds a recovery password) and ship it on a new job.',
  },
  BitLockerKeyInvalid: {
    title: 'Wrong BitLocker key',
    meaning: 'The recovery password in the job does not unlock this drive.',
    action: 'Compare the job’s drive serials and keys with your shipping record; a mixed-up drive must be prepared again or sent with the right job.',
  },
  BitLockerUnlockVolumeFailed: { title: 'Could not unlock', meaning: 'The datacenter could not unlock the volume, even with the key.', action: 'Prepare the drive again with disk prep and ship it on a new job; contact Azure support if it happens again.' },
  ManifestNotFound: { title: 'Manifest missing', meaning: 'DriveManifest.xml was not found on the drive, so the service did not know what to import.', action: 'Prepare the drive again with disk prep, which writes the manifest, and ship it on a new job.' },
  ManifestCorrupted: {
    title: 'Manifest corrupted',
    meaning: 'The manifest on the drive does not match the manifest hash in the job (the drive changed after it was prepared, or the hash was entered wrongly), so the drive was not imported.',
    action: 'Do not write to prepared drives. Prepare this drive again with disk prep (it verifies the manifest) and ship it on a new job.',
  },
  ManifestFormatInvalid: { title: 'Manifest unreadable', meaning: 'The manifest on the drive is not in the format the service reads.', action: 'Prepare the drive again with disk prep and ship it on a new job.' },
  ManifestDriveIdMismatch: {
    title: 'Manifest of another drive',
    meaning: 'The drive ID in the manifest differs from this drive’s serial number.',
    action: 'The drive was probably swapped: prepare it again with disk prep and ship it on a new job.',
  },
  InternalError: { title: 'Service error', meaning: 'The Import/Export service hit an internal error with this drive.', action: 'Contact Azure support with the job name and drive serial.' },
};

function lookup(table: Record<string, Explanation>, key: string | null | undefined, what: string): Explanation {
  if (key && table[key]) return table[key];
  const name = key || 'unknown';
  return { title: name, meaning: `Seedship does not know the ${what} “${name}”.`, action: 'Check the job in the Azure portal, or ask Azure support what it means.' };
}

/** A job state in plain words, with what to do. `Deleted` is the app's name for a job Azure no longer has. */
export function explainJobState(state: string | null | undefined): Explanation {
  return lookup(JOB_STATE_TEXT, state, 'job state');
}

export function explainDriveState(state: string | null | undefined): Explanation {
  return lookup(DRIVE_STATE_TEXT, state, 'drive state');
}

/** A service result code from a drive's copy status or its copy log (REFERENCE: "Service-side drive results"). */
export function explainResultCode(code: string | null | undefined): Explanation {
  return lookup(RESULT_TEXT, code, 'result code');
}

export function isKnownResultCode(code: string | null | undefined): boolean {
  return !!code && code in RESULT_TEXT;
}

/** Whether a result code means some or all of the drive's data was not imported. */
export function isFailedResult(code: string | null | undefined): boolean {
  return !!code && code in RESULT_TEXT && code !== 'Completed' && code !== 'CompletedWithWarnings';
}

export type DeadlineLevel = 'ok' | 'warning' | 'overdue' | 'met' | 'not-applicable';

export interface TrackingDeadline {
  /** When Azure may delete the job if it still has no tracking number (creation + 14 days). */
  deadline: string;
  /** Whole days since creation. */
  daysElapsed: number;
  /** Days until the deadline, rounded up; 0 or less once it has passed. */
  daysLeft: number;
  level: DeadlineLevel;
  message: string;
}

/**
 * The two-week tracking deadline of a job: counted from its creation, a warning from day 10, and
 * what happens after it (REFERENCE: "Carrier and tracking number must be entered within two weeks of
 * job creation, or the job may be deleted and the drives not processed").
 */
export function trackingDeadline(job: { createdAt: string; state: string; trackingNumber: string | null }, now: Date): TrackingDeadline {
  const created = Date.parse(job.createdAt);
  const deadlineMs = created + TRACKING_DEADLINE_DAYS * DAY_MS;
  const deadline = new Date(deadlineMs).toISOString();
  const daysElapsed = Math.max(0, Math.floor((now.getTime() - created) / DAY_MS));
  const daysLeft = Math.ceil((deadlineMs - now.getTime()) / DAY_MS) || 0; // never -0
  const day = deadline.slice(0, 10);
  if (job.trackingNumber) {
    return { deadline, daysElapsed, daysLeft, level: 'met', message: `Tracking number ${job.trackingNumber} entered: the two-week deadline is met.` };
  }
  if (job.state !== 'Creating') {
    return { deadline, daysElapsed, daysLeft, level: 'not-applicable', message: 'The two-week tracking deadline applies only to jobs still being created.' };
  }
  const after = 'After it Azure deletes the job and the drives are not processed.';
  if (daysLeft <= 0) {
    return { deadline, daysElapsed, daysLeft, level: 'overdue', message: `The deadline for the tracking number passed on ${day}: Azure may delete this job at any moment. Enter the carrier and tracking number now.` };
  }
  const left = daysLeft === 1 ? '1 day left' : `${daysLeft} days left`;
  if (daysElapsed >= TRACKING_WARNING_DAY) {
    return { deadline, daysElapsed, daysLeft, level: 'warning', message: `${left} to enter the carrier and tracking number (until ${day}). ${after}` };
  }
  return { deadline, daysElapsed, daysLeft, level: 'ok', message: `${left} to enter the carrier and tracking number (until ${day}). ${after}` };
}

/** Whether an action is allowed now, and if not, why, in words for the operator. */
export interface Allowance {
  allowed: boolean;
  reason: string | null;
}

export interface JobActions {
  track: Allowance;
  returnShipping: Allowance;
  cancel: Allowance;
  delete: Allowance;
}

const order = (state: string) => JOB_STATES.indexOf(state as (typeof JOB_STATES)[number]);
const yes: Allowance = { allowed: true, reason: null };
const no = (reason: string): Allowance => ({ allowed: false, reason });

/**
 * What the job's state still allows, mirroring REFERENCE's "editable until" rules: the delivery
 * package (carrier, tracking number) until the drives arrive; return address, return shipping and
 * logging until Packaging; cancel (best effort) until Packaging; delete only while Creating or
 * once Completed.
 */
export function jobActions(job: { state: string; cancelRequested: boolean; deleted: boolean }): JobActions {
  if (job.deleted) {
    const gone = no('The job no longer exists in Azure.');
    return { track: gone, returnShipping: gone, cancel: gone, delete: gone };
  }
  const { state } = job;
  const known = order(state) >= 0;
  const track = state === 'Creating' || state === 'Shipping' ? yes : no(`The carrier and tracking number can be changed only until the drives arrive; this job is ${state}.`);
  const returnShipping = known && order(state) < order('Packaging') ? yes : no(`The return address and carrier can be changed only until the job reaches Packaging; this job is ${state}.`);
  let cancel: Allowance;
  if (job.cancelRequested) cancel = no('Cancellation has already been requested for this job.');
  else if (known && order(state) < order('Packaging')) cancel = yes;
  else cancel = no(`A job can be cancelled only before it reaches Packaging; this job is ${state}.`);
  const del = state === 'Creating' || state === 'Completed' ? yes : no(`A job can be deleted only while Creating or once Completed; this job is ${state}.`);
  return { track, returnShipping, cancel, delete: del };
}

/** Tracking numbers as the service takes them: 4 to 40 letters, digits or hyphens. */
export function trackingNumberProblem(trackingNumber: string): string | null {
  const value = trackingNumber.trim();
  if (value === '') return 'Enter the tracking number the carrier gave you for the package.';
  if (!/^[A-Za-z0-9-]{4,40}$/.test(value)) return `The tracking number "${value}" has 4 to 40 letters, digits or hyphens (no spaces).`;
  return null;
}

/** The carrier must be one the job's datacenter supports (Locations API `supportedCarriers`). */
export function carrierProblem(carrier: string, supportedCarriers: readonly string[]): string | null {
  const value = carrier.trim();
  if (value === '') return 'Choose the carrier that ships the package.';
  if (supportedCarriers.length > 0 && !supportedCarriers.some((c) => c.toLowerCase() === value.toLowerCase())) {
    return `The carrier "${value}" doesn’t serve this datacenter; choose one of ${supportedCarriers.join(', ')}.`;
  }
  return null;
}

/**
 * The other job that already uses a tracking number (case-insensitive), if any: no two jobs may share
 * one (REFERENCE: "Ship the disks of one job in one package with one tracking number").
 */
export function duplicateTracking<J extends { id: string; trackingNumber: string | null }>(trackingNumber: string, jobs: readonly J[], exceptId: string): J | null {
  const wanted = trackingNumber.trim().toLowerCase();
  return jobs.find((j) => j.id.toLowerCase() !== exceptId.toLowerCase() && j.trackingNumber?.trim().toLowerCase() === wanted) ?? null;
}
