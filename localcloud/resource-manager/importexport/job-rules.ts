import { ArmError } from '../http-kit';

/** A stored job: the ARM resource plus what the service keeps to itself. */
export interface StoredJob {
  id: string;
  name: string;
  type: 'Microsoft.ImportExport/jobs';
  location: string;
  tags: Record<string, unknown>;
  identity: { type: 'None' };
  systemData: { createdBy: string; createdByType: 'User'; createdAt: string; lastModifiedBy: string; lastModifiedByType: 'User'; lastModifiedAt: string };
  properties: Record<string, unknown> & { state: string; driveList: StoredDrive[] };
  /** Not part of the response: when the package was reported shipped (business clock). */
  internal: { shippedAt: string | null; subscriptionId: string; resourceGroup: string };
}

export interface StoredDrive {
  driveId: string;
  bitLockerKey?: string;
  manifestFile?: string;
  manifestHash?: string;
  driveHeaderHash?: string;
  state: string;
  copyStatus?: string;
  percentComplete?: number;
  verboseLogUri?: string;
  errorLogUri?: string;
  manifestUri?: string;
  bytesSucceeded?: number;
}

export const JOB_STATES = ['Creating', 'Shipping', 'Received', 'Transferring', 'Packaging', 'Completed', 'Closed'] as const;
export const DRIVE_STATES = ['Specified', 'Received', 'NeverReceived', 'Transferring', 'Completed', 'CompletedMoreInfo', 'ShippedBack'] as const;
export const MAX_DRIVES = 10;
export const TWO_WEEKS_MS = 14 * 24 * 3600 * 1000;

/** Job names as the API takes them: 3–64 letters, digits and hyphens, starting with a letter. */
export function checkJobName(name: string): void {
  if (!/^[A-Za-z][A-Za-z0-9-]{2,63}$/.test(name)) {
    throw new ArmError(400, 'InvalidJobName', `The job name "${name}" is invalid: use 3 to 64 letters, digits and hyphens, starting with a letter.`);
  }
}

/** Recovery passwords: 8 groups of 6 digits, each divisible by 11 with a quotient below 65536 (REFERENCE). */
export function isRecoveryPassword(key: string): boolean {
  const groups = key.split('-');
  return groups.length === 8 && groups.every((g) => /^\d{6}$/.test(g) && Number(g) % 11 === 0 && Number(g) / 11 < 65536);
}

/** Validates the drive list of a create or a Creating-state update. */
export function checkDrives(drives: unknown, jobType: string): StoredDrive[] {
  if (!Array.isArray(drives) || drives.length === 0) throw new ArmError(400, 'InvalidDriveList', 'An import job needs at least one drive in driveList.');
  if (drives.length > MAX_DRIVES) throw new ArmError(400, 'TooManyDrives', `A job can have at most ${MAX_DRIVES} drives; this one lists ${drives.length}.`);
  const seen = new Set<string>();
  return drives.map((raw, index) => {
    const d = (raw ?? {}) as Record<string, unknown>;
    const driveId = typeof d.driveId === 'string' ? d.driveId : '';
    if (!driveId || /\s/.test(driveId)) throw new ArmError(400, 'InvalidDriveId', `driveList[${index}].driveId must be the drive's hardware serial number, without spaces.`);
    if (seen.has(driveId.toLowerCase())) throw new ArmError(400, 'DuplicateDriveId', `The drive ${driveId} is listed twice.`);
    seen.add(driveId.toLowerCase());
    if (jobType === 'Import') {
      if (typeof d.bitLockerKey !== 'string' || !isRecoveryPassword(d.bitLockerKey)) {
        throw new ArmError(400, 'InvalidBitLockerKey', `driveList[${index}].bitLockerKey for drive ${driveId} is not a valid BitLocker recovery password.`);
      }
      if (typeof d.manifestFile !== 'string' || d.manifestFile === '') throw new ArmError(400, 'InvalidManifestFile', `driveList[${index}].manifestFile is required for an import.`);
      if (typeof d.manifestHash !== 'string' || !/^([0-9A-Fa-f]{32}|[0-9A-Fa-f]{64})$/.test(d.manifestHash)) {
        throw new ArmError(400, 'InvalidManifestHash', `driveList[${index}].manifestHash must be the hex MD5 of the manifest.`);
      }
    }
    return {
      driveId,
      ...(typeof d.bitLockerKey === 'string' ? { bitLockerKey: d.bitLockerKey } : {}),
      ...(typeof d.manifestFile === 'string' ? { manifestFile: d.manifestFile } : {}),
      ...(typeof d.manifestHash === 'string' ? { manifestHash: d.manifestHash } : {}),
      ...(typeof d.driveHeaderHash === 'string' ? { driveHeaderHash: d.driveHeaderHash } : {}),
      state: 'Specified',
    };
  });
}

const REQUIRED_ADDRESS = ['recipientName', 'streetAddress1', 'city', 'postalCode', 'countryOrRegion', 'phone', 'email'] as const;

export function checkReturnAddress(value: unknown): Record<string, unknown> {
  const a = (value ?? {}) as Record<string, unknown>;
  for (const field of REQUIRED_ADDRESS) {
    if (typeof a[field] !== 'string' || (a[field] as string).trim() === '') throw new ArmError(400, 'InvalidReturnAddress', `returnAddress.${field} is required.`);
  }
  return a;
}

export function checkDeliveryPackage(value: unknown): Record<string, unknown> {
  const p = (value ?? {}) as Record<string, unknown>;
  if (typeof p.carrierName !== 'string' || p.carrierName.trim() === '') throw new ArmError(400, 'InvalidDeliveryPackage', 'deliveryPackage.carrierName is required.');
  if (typeof p.trackingNumber !== 'string' || !/^[A-Za-z0-9-]{4,40}$/.test(p.trackingNumber)) throw new ArmError(400, 'InvalidDeliveryPackage', 'deliveryPackage.trackingNumber must be 4 to 40 letters, digits or hyphens.');
  return p;
}

const ORDER = (state: string) => JOB_STATES.indexOf(state as (typeof JOB_STATES)[number]);

/** ReturnAddress, ReturnShipping and logging stay editable until the job reaches Packaging (REFERENCE). */
export function canEditReturnInfo(state: string): boolean {
  return ORDER(state) >= 0 && ORDER(state) < ORDER('Packaging');
}

/** DeliveryPackage stays editable until the drives have arrived (REFERENCE). */
export function canEditDeliveryPackage(state: string): boolean {
  return state === 'Creating' || state === 'Shipping';
}

export function canDelete(state: string): boolean {
  return state === 'Creating' || state === 'Completed';
}

export type Expiry = { kind: 'delete'; reason: string } | { kind: 'never-received' } | null;

/**
 * What the passage of (business) time does to a job: a Creating job without shipping information is
 * deleted two weeks after creation; drives still not received two weeks after shipping information
 * are NeverReceived.
 */
export function expiry(job: StoredJob, now: Date): Expiry {
  const created = Date.parse(job.systemData.createdAt);
  const delivery = job.properties.deliveryPackage as { trackingNumber?: string } | undefined;
  if (job.properties.state === 'Creating' && !delivery?.trackingNumber && now.getTime() - created > TWO_WEEKS_MS) {
    return {
      kind: 'delete',
      reason: `The import job ${job.name} was deleted on ${now.toISOString().slice(0, 10)} because no shipping information (carrier and tracking number) was entered within two weeks of its creation on ${new Date(created).toISOString().slice(0, 10)}.`,
    };
  }
  if (job.properties.state === 'Shipping' && job.internal.shippedAt && now.getTime() - Date.parse(job.internal.shippedAt) > TWO_WEEKS_MS && job.properties.driveList.some((d) => d.state === 'Specified')) {
    return { kind: 'never-received' };
  }
  return null;
}

/** The job as ARM answers it: no internal bookkeeping, no BitLocker keys (those need listBitLockerKeys). */
export function jobResponse(job: StoredJob) {
  const { internal: _internal, properties, ...resource } = job;
  return {
    ...resource,
    properties: { ...properties, driveList: properties.driveList.map(({ bitLockerKey: _key, ...drive }) => drive) },
  };
}
