import { realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SeedshipError } from '../../../shared/api/errors';
import type { DriveFacts, DriveIssue } from '../../../shared/drives/drive';
import { classifyDrive, findDriveHoldingPath } from '../../../shared/drives/drive-safety';
import { scanDrives } from '../disks/drive-scanner';
import type { DriveScan } from '../disks/drives-service';

export interface PrepareTarget {
  /** The path as given, resolved to an absolute one (what the writer opens). */
  device: string;
  kind: 'block-device' | 'image-file' | 'windows-volume';
  /** Issues that don't block but need the operator's confirmation (USB, rehearsal drive…). */
  warnings: DriveIssue[];
}

export interface PrepareTargetContext {
  /** Seedship's data folder: the drive holding it is never written. */
  dataDir: string;
  /** The folder to copy onto the drive. */
  source: string;
  stagingPath: string | null;
  scan?: DriveScan;
}

/**
 * Re-checks a drive just before it is erased (the caller's choice is never trusted): it must be a
 * block device or an image file; the system disk, a mounted drive and the drives holding Seedship's
 * data, the staging folder or the source are refused, by the same predicates the drive list shows.
 */
export async function checkPrepareTarget(device: string, context: PrepareTargetContext): Promise<PrepareTarget> {
  const scan = context.scan ?? scanDrives;
  if (process.platform === 'win32') return checkWindowsTarget(device, context, scan);
  const path = resolve(device);
  const info = await stat(path).catch(() => {
    throw new SeedshipError('NOT_FOUND', `${path} does not exist.`, 'device');
  });
  const real = await canonical(path);
  const dataDir = await canonical(context.dataDir);
  const source = await canonical(context.source);
  const staging = context.stagingPath ? await canonical(context.stagingPath) : null;
  if (info.isFile()) {
    const refuse = (why: string) => {
      throw new SeedshipError('UNSAFE_DRIVE', `${path} ${why}: Seedship will not write it.`, 'device');
    };
    if (within(real, dataDir)) refuse(`is inside Seedship's data folder (${dataDir})`);
    if (within(real, source)) refuse('is inside the source folder');
    if (staging && within(real, staging)) refuse(`is inside the staging folder (${staging})`);
    const facts = await scan({ includeLoop: true });
    const attached = facts.find((f) => f.backingFile === real && f.mountpoints.length > 0);
    if (attached) refuse(`backs ${attached.device}, which is mounted at ${attached.mountpoints.map((m) => m.path).join(', ')}`);
    return { device: path, kind: 'image-file', warnings: [] };
  }
  if (!info.isBlockDevice()) throw new SeedshipError('VALIDATION', `${path} is neither a block device nor an image file.`, 'device');
  const facts = await scan({ includeLoop: true });
  const drive = facts.find((f) => f.device === path || f.device === real);
  if (!drive) throw new SeedshipError('UNSAFE_DRIVE', `${path} is not a whole drive Seedship knows (give the disk, such as /dev/sdb, not a partition).`, 'device');
  return { device: path, kind: 'block-device', warnings: judge(drive, facts, { dataDir, source, staging }) };
}

/** Blocking issues throw; the rest come back as warnings. */
function judge(drive: DriveFacts, facts: DriveFacts[], where: { dataDir: string; source: string; staging: string | null }): DriveIssue[] {
  const stagingDevice = where.staging ? findDriveHoldingPath(facts, where.staging) : null;
  const classified = classifyDrive(drive, { stagingDevice, stagingPath: where.staging });
  const blocking = classified.issues.filter((i) => i.severity === 'blocked' || i.severity === 'error').map((i) => i.message);
  if (findDriveHoldingPath(facts, where.dataDir) === drive.device) blocking.push(`Holds Seedship's data folder (${where.dataDir}).`);
  if (findDriveHoldingPath(facts, where.source) === drive.device) blocking.push('Holds the source folder that is to be copied onto it.');
  // Erasing a mounted file system under the kernel's feet corrupts both: unmount first, always.
  if (process.platform !== 'win32' && drive.mountpoints.length > 0) blocking.push(`Is mounted at ${drive.mountpoints.map((m) => m.path).join(', ')}: unmount it first.`);
  if (blocking.length > 0) throw new SeedshipError('UNSAFE_DRIVE', `${drive.device}: ${[...new Set(blocking)].join(' ')}`, 'device');
  return classified.issues.filter((i) => i.severity === 'warning' || i.severity === 'info');
}

/** Windows: a drive letter or \\.\PhysicalDriveN; drivelist reports the letters as mount points. */
async function checkWindowsTarget(device: string, context: PrepareTargetContext, scan: DriveScan): Promise<PrepareTarget> {
  const facts = await scan({ includeLoop: false });
  const letter = /^([A-Za-z]):?\\?$/.exec(device.trim())?.[1]?.toUpperCase();
  const drive = facts.find((f) => (letter ? f.mountpoints.some((m) => m.path.toUpperCase().startsWith(`${letter}:`)) : f.device.toLowerCase() === device.trim().toLowerCase()));
  if (!drive) throw new SeedshipError('NOT_FOUND', `${device} is not a drive Windows reports.`, 'device');
  const classified = classifyDrive(drive, { stagingDevice: context.stagingPath ? findDriveHoldingPath(facts, context.stagingPath) : null, stagingPath: context.stagingPath });
  const blocking = classified.issues.filter((i) => i.severity === 'blocked' || i.severity === 'error').map((i) => i.message);
  if (findDriveHoldingPath(facts, resolve(context.dataDir)) === drive.device) blocking.push("Holds Seedship's data folder.");
  if (findDriveHoldingPath(facts, resolve(context.source)) === drive.device) blocking.push('Holds the source folder.');
  if (blocking.length > 0) throw new SeedshipError('UNSAFE_DRIVE', `${device}: ${blocking.join(' ')}`, 'device');
  return { device, kind: 'windows-volume', warnings: classified.issues.filter((i) => i.severity === 'warning' || i.severity === 'info') };
}

async function canonical(path: string): Promise<string> {
  const absolute = resolve(path);
  return realpath(absolute).catch(() => absolute);
}

function within(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder.endsWith('/') ? folder : `${folder}/`);
}
