import { stat } from 'node:fs/promises';
import { SeedshipError } from '../../../shared/api/errors';
import { BitLockerConversion, planConversion } from './bitlocker-conversion';
import { inspectTarget } from './block-target';
import { totalLength } from './byte-ranges';
import { copyTree, measureTree } from './ntfs/copy-tree';
import { formatNtfs, mountNtfs } from './ntfs/ntfs-tools';
import { createReservedFiles } from './ntfs/reserved-files';
import { throwIfAborted } from './run-tool';
import type { VolumeProgress } from './volume-progress';

export type { VolumeProgress } from './volume-progress';

export interface PrepareVolumeOptions {
  device: string;
  /** The folder to copy onto the volume. */
  source?: string;
  xts256?: boolean;
  /** Default: the device's logical sector size. */
  sectorSize?: 512 | 4096;
  label?: string;
  signal?: AbortSignal;
  onProgress?: (p: VolumeProgress) => void;
  workerDir?: string;
}

export interface PrepareVolumeResult {
  recoveryPassword: string;
  /** The VMK GUID (Windows shows it as the recovery key ID). */
  protectorId: string;
  method: 'XtsAes128' | 'XtsAes256';
  sectorSize: number;
  volumeBytes: number;
  encryptedBytes: number;
  files: number;
  fileBytes: number;
}

const MIN_VOLUME_BYTES = 32 * 1024 * 1024;

/**
 * Turns a block device or image file into a BitLocker-encrypted NTFS volume holding `source`:
 * mkntfs, the reserved BitLocker files, the copy (ntfs-3g), then in-place used-space-only
 * encryption, in the crash-safe order of BitLockerConversion.
 */
export async function prepareVolume(o: PrepareVolumeOptions): Promise<PrepareVolumeResult> {
  const { sectorSize, volumeBytes } = await volumeGeometry(o.device, o.sectorSize);
  const source = o.source;
  const sourceInfo = source === undefined ? undefined : await stat(source).catch(() => undefined);
  if (source === undefined) throw new SeedshipError('VALIDATION', 'Give a folder to copy onto the volume.', 'source');
  if (!sourceInfo?.isDirectory()) throw new SeedshipError('VALIDATION', `${source} is not a folder.`, 'source');
  const label = checkLabel(o.label ?? 'Seedship');
  const report = (phase: VolumeProgress['phase'], doneBytes: number, totalBytes: number) => o.onProgress?.({ phase, doneBytes, totalBytes });

  const totals = await measureTree(source, o.signal);
  let copied = 0;
  await buildPlainNtfs(o.device, {
    sectorSize,
    label,
    reuse: false,
    signal: o.signal,
    onFormat: (done) => report('format', done ? 1 : 0, 1),
    fill: async (mountpoint) => {
      report('copy', 0, totals.bytes);
      await copyTree(source, mountpoint, { signal: o.signal, onBytes: (n) => report('copy', (copied += n), totals.bytes) });
    },
  });

  throwIfAborted(o.signal);
  const plan = await planConversion(o.device, sectorSize, volumeBytes);
  const conversion = await BitLockerConversion.create(o.device, plan, { xts256: o.xts256 ?? false, description: volumeDescription(label) });
  try {
    await conversion.begin();
    await conversion.encryptInPlace(plan.inPlace, { signal: o.signal, workerDir: o.workerDir, onProgress: (d, t) => report('encrypt', d, t) });
    report('finish', 0, 1);
    await conversion.finish();
    report('finish', 1, 1);
    return {
      recoveryPassword: conversion.recoveryPassword,
      protectorId: conversion.protectorId,
      method: conversion.method,
      sectorSize,
      volumeBytes,
      encryptedBytes: totalLength(plan.inPlace),
      files: totals.files,
      fileBytes: totals.bytes,
    };
  } finally {
    await conversion.close();
  }
}

/** The BitLocker data unit (default: the device's logical sector size) and the volume's size in whole sectors. */
export async function volumeGeometry(device: string, requested?: 512 | 4096): Promise<{ sectorSize: 512 | 4096; volumeBytes: number }> {
  const target = await inspectTarget(device);
  const sectorSize = requested ?? (target.logicalSectorSize === 4096 ? 4096 : 512);
  if (sectorSize !== 512 && sectorSize !== 4096) throw new SeedshipError('VALIDATION', 'The sector size must be 512 or 4096.', 'sectorSize');
  if (sectorSize < target.logicalSectorSize) {
    throw new SeedshipError('VALIDATION', `${device} has ${target.logicalSectorSize}-byte logical sectors; the volume's sector size can't be smaller.`, 'sectorSize');
  }
  const volumeBytes = Math.floor(target.bytes / sectorSize) * sectorSize;
  if (volumeBytes < MIN_VOLUME_BYTES) throw new SeedshipError('VALIDATION', `${device} is too small for a BitLocker volume (at least 32 MiB).`, 'device');
  return { sectorSize, volumeBytes };
}

export function checkLabel(label: string): string {
  if (!/^[\p{L}\p{N} _.-]{1,32}$/u.test(label)) throw new SeedshipError('VALIDATION', 'The label may have up to 32 letters, digits, spaces, "_", "." or "-".', 'label');
  return label;
}

/** The protector description Windows shows. */
export function volumeDescription(label: string): string {
  return `${label} ${new Date().toISOString().slice(0, 10)} (Seedship)`;
}

/**
 * The plain NTFS before encryption: mkntfs (unless `reuse`: a resumed run's NTFS), the reserved
 * BitLocker files first (on a fresh volume each lands in one contiguous run), then `fill` on the
 * ntfs-3g mount; unmounted (flushed) before this resolves.
 */
export async function buildPlainNtfs<T>(
  device: string,
  o: { sectorSize: 512 | 4096; label: string; reuse: boolean; signal?: AbortSignal; onFormat?: (done: boolean) => void; fill: (mountpoint: string) => Promise<T> },
): Promise<T> {
  if (!o.reuse) {
    o.onFormat?.(false);
    await formatNtfs(device, { sectorSize: o.sectorSize, label: o.label, signal: o.signal });
    o.onFormat?.(true);
  }
  throwIfAborted(o.signal);
  const mount = await mountNtfs(device, { readOnly: false });
  try {
    if (!o.reuse) await createReservedFiles(mount.mountpoint);
    return await o.fill(mount.mountpoint);
  } finally {
    await mount.unmount();
  }
}
