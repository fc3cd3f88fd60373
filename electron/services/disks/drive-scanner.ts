import { readdir } from 'node:fs/promises';
import * as drivelist from 'drivelist';
import type { Bus, DriveFacts, Mountpoint } from '../../../shared/drives/drive';
import { readLoopBackingFiles, readLsblk, type LsblkDisk } from './lsblk';

/** Entries every fresh file system has; a mount holding only these counts as empty. */
const HOUSEKEEPING_ENTRIES = new Set(['lost+found', 'System Volume Information', '$RECYCLE.BIN', '.Trash-0']);
/** Mount points of the running system: a drive holding one is the system drive. */
const SYSTEM_MOUNTS = new Set(['/', '/boot', '/boot/efi', '/usr', '/var', '/home', '[SWAP]']);
/** Memory-backed block devices (swap in RAM), never disks. */
const MEMORY_DEVICE = /^\/dev\/(zram|ram)\d+$/;

export interface ScanOptions {
  includeLoop: boolean;
}

/**
 * Lists whole drives: drivelist everywhere (it is the cross-platform enumerator), enriched on Linux
 * with lsblk's serial, model and transport, plus loop devices, which drivelist drops on purpose.
 */
export async function scanDrives(options: ScanOptions): Promise<DriveFacts[]> {
  const [listed, lsblkDisks, backing] = await Promise.all([
    drivelist.list(),
    process.platform === 'linux' ? readLsblk() : Promise.resolve([] as LsblkDisk[]),
    options.includeLoop && process.platform === 'linux' ? readLoopBackingFiles() : Promise.resolve(new Map<string, string>()),
  ]);
  const byPath = new Map(lsblkDisks.map((d) => [d.path, d]));
  const facts: DriveFacts[] = [];
  for (const drive of listed) {
    if (MEMORY_DEVICE.test(drive.device) || drive.device.startsWith('/dev/loop')) continue;
    facts.push(await factsFromDrivelist(drive, byPath.get(drive.device)));
  }
  if (options.includeLoop) {
    for (const disk of lsblkDisks) {
      if (disk.type !== 'loop' || disk.sizeBytes === 0) continue;
      facts.push(await factsFromLoop(disk, backing.get(disk.path) ?? null));
    }
  }
  return facts.sort((a, b) => a.device.localeCompare(b.device, 'en', { numeric: true }));
}

async function factsFromDrivelist(drive: drivelist.Drive, lsblk: LsblkDisk | undefined): Promise<DriveFacts> {
  const mountPaths = lsblk ? lsblk.mountpoints : drive.mountpoints.map((m) => m.path);
  const model = lsblk?.model ?? (drive.description.trim() || null);
  return {
    device: drive.device,
    displayName: model ?? drive.device,
    model,
    serial: lsblk?.serial ?? null,
    sizeBytes: drive.size ?? lsblk?.sizeBytes ?? 0,
    bus: busOf(drive.busType, lsblk?.transport ?? null, drive.device, drive.isVirtual === true),
    logicalSectorSize: drive.logicalBlockSize || lsblk?.logicalSectorSize || 512,
    isSystem: drive.isSystem || mountPaths.some((m) => SYSTEM_MOUNTS.has(m)),
    isReadOnly: drive.isReadOnly || lsblk?.readOnly === true,
    isRemovable: drive.isRemovable && !drive.isSystem && drive.isVirtual !== true,
    isUsb: drive.isUSB === true || lsblk?.transport === 'usb',
    isLoop: false,
    backingFile: null,
    mountpoints: await describeMounts(mountPaths),
  };
}

async function factsFromLoop(disk: LsblkDisk, backingFile: string | null): Promise<DriveFacts> {
  return {
    device: disk.path,
    displayName: `Loop device ${disk.name}`,
    model: null,
    serial: disk.serial,
    sizeBytes: disk.sizeBytes,
    bus: 'Loop',
    logicalSectorSize: disk.logicalSectorSize,
    isSystem: disk.mountpoints.some((m) => SYSTEM_MOUNTS.has(m)),
    isReadOnly: disk.readOnly,
    isRemovable: false,
    isUsb: false,
    isLoop: true,
    backingFile,
    mountpoints: await describeMounts(disk.mountpoints),
  };
}

function busOf(busType: string, transport: string | null, device: string, isVirtual: boolean): Bus {
  const t = (transport ?? busType).toUpperCase();
  if (t === 'SATA' || t === 'ATA') return 'SATA';
  if (t === 'SAS') return 'SAS';
  if (t === 'NVME' || t === 'PCIE') return 'NVMe';
  if (t === 'USB') return 'USB';
  if (t === 'MMC' || t === 'SD') return 'MMC';
  if (t === 'SCSI' || t === 'ISCSI' || t === 'FC') return 'SCSI';
  if (isVirtual || t === 'VIRTUAL' || /^\/dev\/(vd|xvd)/.test(device)) return 'Virtual';
  return 'Unknown';
}

async function describeMounts(paths: readonly string[]): Promise<Mountpoint[]> {
  return Promise.all(paths.map(async (path) => ({ path, hasFiles: await mountHasFiles(path) })));
}

/** Whether a mounted file system holds anything an operator would miss; null when it can't be read. */
async function mountHasFiles(path: string): Promise<boolean | null> {
  if (path === '[SWAP]') return false;
  try {
    const entries = await readdir(path);
    return entries.some((name) => !HOUSEKEEPING_ENTRIES.has(name));
  } catch {
    return null;
  }
}
