import type { ClassifiedDrive, DriveFacts, DriveIssue, DriveStatus } from './drive';
import { formatBytes, formatDecimalBytes } from './format-bytes';

/** Import/Export accepts drives up to 10 TB ("Drives": Azure Import/Export requirements). */
export const MAX_IMPORT_DRIVE_BYTES = 10 * 1000 ** 4;
/**
 * Below this a drive can't hold BitLocker's metadata copies, NTFS, the manifest and any data worth
 * shipping; Seedship's own floor, not an Azure rule.
 */
export const MIN_DRIVE_BYTES = 256 * 1024 ** 2;

/** Where the operator's data already lives: these drives are never offered. */
export interface SafetyContext {
  /** Device holding the staging location, if known. */
  stagingDevice: string | null;
  stagingPath: string | null;
}

export type DrivePredicate = (drive: DriveFacts, context: SafetyContext) => DriveIssue | null;

export const isSystemDrive: DrivePredicate = (drive) =>
  drive.isSystem
    ? {
        code: 'system-drive',
        severity: 'blocked',
        message: 'Holds the operating system, so Seedship will never write to it.',
      }
    : null;

export const isStagingDrive: DrivePredicate = (drive, context) =>
  context.stagingDevice !== null && drive.device === context.stagingDevice
    ? {
        code: 'staging-drive',
        severity: 'blocked',
        message: `Holds the staging location${context.stagingPath ? ` (${context.stagingPath})` : ''}: preparing it would destroy the backup you are about to ship.`,
      }
    : null;

export const isReadOnlyDrive: DrivePredicate = (drive) =>
  drive.isReadOnly
    ? {
        code: 'read-only',
        severity: 'error',
        message: 'Is read-only (write-protected), so it can’t be formatted or encrypted.',
      }
    : null;

export const hasNoSize: DrivePredicate = (drive) =>
  drive.sizeBytes === 0
    ? { code: 'no-size', severity: 'error', message: 'Reports no size: no medium is inserted, or it is detached.' }
    : null;

export const isDriveTooLarge: DrivePredicate = (drive) =>
  drive.sizeBytes > MAX_IMPORT_DRIVE_BYTES
    ? {
        code: 'too-large',
        severity: 'error',
        // Azure's limit is in decimal terabytes; say the size in the same unit so the comparison is plain.
        message: `Is ${formatDecimalBytes(drive.sizeBytes)} (${formatBytes(drive.sizeBytes)}): the Import/Export service accepts drives of up to 10 TB.`,
      }
    : null;

export const isDriveTooSmall: DrivePredicate = (drive) =>
  drive.sizeBytes > 0 && drive.sizeBytes < MIN_DRIVE_BYTES
    ? {
        code: 'too-small',
        severity: 'error',
        message: `Is only ${formatBytes(drive.sizeBytes)}: a prepared drive needs at least ${formatBytes(MIN_DRIVE_BYTES)}.`,
      }
    : null;

export const isUsbOrRemovable: DrivePredicate = (drive) =>
  drive.isUsb || drive.isRemovable
    ? {
        code: 'usb-or-removable',
        severity: 'warning',
        message: drive.isUsb
          ? 'Is connected over USB: the Import/Export service accepts internal SATA drives only, so ship it without its enclosure.'
          : 'Is removable media: the Import/Export service accepts internal SATA drives and 2.5" SSDs only.',
      }
    : null;

export const isMountedWithFiles: DrivePredicate = (drive) => {
  const withFiles = drive.mountpoints.filter((m) => m.hasFiles !== false);
  if (withFiles.length === 0) return null;
  const where = withFiles.map((m) => m.path).join(', ');
  return {
    code: 'mounted-with-files',
    severity: 'warning',
    message: `Is mounted at ${where} and may hold files: preparing the drive erases everything on it.`,
  };
};

export const isRehearsalDrive: DrivePredicate = (drive) =>
  drive.isLoop
    ? {
        code: 'rehearsal-drive',
        severity: 'info',
        message: `Rehearsal drive backed by ${drive.backingFile ?? 'a file'}: good for practice, not for shipping.`,
      }
    : null;

/** Every rule, most serious first; the UI explains with them and the writer refuses with them. */
export const DRIVE_PREDICATES: readonly DrivePredicate[] = [
  isSystemDrive,
  isStagingDrive,
  isReadOnlyDrive,
  hasNoSize,
  isDriveTooLarge,
  isDriveTooSmall,
  isUsbOrRemovable,
  isMountedWithFiles,
  isRehearsalDrive,
];

/** Runs every predicate; the worst severity sets the drive's status. */
export function classifyDrive(drive: DriveFacts, context: SafetyContext): ClassifiedDrive {
  const issues = DRIVE_PREDICATES.map((p) => p(drive, context)).filter((i): i is DriveIssue => i !== null);
  return { ...drive, status: statusOf(issues), issues };
}

export function statusOf(issues: readonly DriveIssue[]): DriveStatus {
  if (issues.some((i) => i.severity === 'blocked')) return 'blocked';
  if (issues.some((i) => i.severity === 'error')) return 'error';
  if (issues.some((i) => i.severity === 'warning')) return 'warning';
  return 'ok';
}

/**
 * The drive whose mount point is the longest prefix of `absolutePath` (the drive holding it), or null.
 * Works for POSIX and Windows paths; comparison is case-insensitive only for Windows drive paths.
 */
export function findDriveHoldingPath(
  drives: readonly Pick<DriveFacts, 'device' | 'mountpoints'>[],
  absolutePath: string,
): string | null {
  const target = normalizeForCompare(absolutePath);
  let best: { device: string; length: number } | null = null;
  for (const drive of drives) {
    for (const mount of drive.mountpoints) {
      const prefix = normalizeForCompare(mount.path);
      if (!isPathWithin(target, prefix)) continue;
      if (!best || prefix.length > best.length) best = { device: drive.device, length: prefix.length };
    }
  }
  return best?.device ?? null;
}

function normalizeForCompare(p: string): string {
  const windows = /^[a-zA-Z]:[\\/]/.test(p) || p.startsWith('\\\\');
  let out = windows ? p.replace(/\\/g, '/').toLowerCase() : p;
  while (out.length > 1 && out.endsWith('/') && !/^[a-z]:\/$/.test(out)) out = out.slice(0, -1);
  return out;
}

function isPathWithin(target: string, prefix: string): boolean {
  if (target === prefix) return true;
  const withSlash = prefix.endsWith('/') ? prefix : `${prefix}/`;
  return target.startsWith(withSlash);
}
