import { stat } from 'node:fs/promises';
import { SeedshipError } from '../../../shared/api/errors';
import { FVE_STATE, METADATA_AREA_BYTES, VOLUME_HEADER_BYTES } from './bitlocker/constants';
import { buildMetadataArea, type FveMetadata } from './bitlocker/fve-metadata';
import { buildFveVolumeHeader } from './bitlocker/fve-volume-header';
import { createBitLockerVolume } from './bitlocker/volume-keys';
import { inspectTarget, TargetIo } from './block-target';
import { type ByteRange, clipRanges, normalizeRanges, subtractRanges, totalLength } from './byte-ranges';
import { copyTree, measureTree } from './ntfs/copy-tree';
import { parseNtfsBootSector, usedClusterExtents } from './ntfs/ntfs-layout';
import { formatNtfs, mountNtfs, readClusterBitmap, readNtfsGeometry } from './ntfs/ntfs-tools';
import { createReservedFiles, locateReservedAreas } from './ntfs/reserved-files';
import { throwIfAborted } from './run-tool';
import { encryptDeviceRanges, SectorEncryptionStopped } from './sector-encryptor';

export interface VolumeProgress {
  phase: 'format' | 'copy' | 'encrypt' | 'finish';
  doneBytes: number;
  totalBytes: number;
}

/** Fills the freshly formatted, mounted volume (disk prep copies its own way and writes its manifest). */
export type PopulateVolume = (mountpoint: string, signal: AbortSignal | undefined) => Promise<{ files: number; bytes: number }>;

export interface PrepareVolumeOptions {
  device: string;
  /** The folder to copy onto the volume; or give `populate` instead. */
  source?: string;
  populate?: PopulateVolume;
  /** Resume: the volume already holds this run's NTFS (not yet encrypted); mount it instead of formatting. */
  reuseNtfs?: boolean;
  /** Called with the volume unmounted and still plain, just before encryption starts. */
  beforeEncrypt?: () => Promise<void>;
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
 * encryption. The on-disk order makes a crash safe: the encrypted boot-area copy and metadata
 * saying "encryption in progress, N bytes done" are written before the volume header, the
 * encrypted size only grows after the data below it is encrypted and flushed, and the final
 * "encrypted" state is the last write.
 */
export async function prepareVolume(o: PrepareVolumeOptions): Promise<PrepareVolumeResult> {
  const target = await inspectTarget(o.device);
  const sectorSize = o.sectorSize ?? (target.logicalSectorSize === 4096 ? 4096 : 512);
  if (sectorSize !== 512 && sectorSize !== 4096) throw new SeedshipError('VALIDATION', 'The sector size must be 512 or 4096.', 'sectorSize');
  if (sectorSize < target.logicalSectorSize) {
    throw new SeedshipError('VALIDATION', `${o.device} has ${target.logicalSectorSize}-byte logical sectors; the volume's sector size can't be smaller.`, 'sectorSize');
  }
  const volumeBytes = Math.floor(target.bytes / sectorSize) * sectorSize;
  if (volumeBytes < MIN_VOLUME_BYTES) throw new SeedshipError('VALIDATION', `${o.device} is too small for a BitLocker volume (at least 32 MiB).`, 'device');
  const source = o.source;
  if (source !== undefined) {
    const sourceInfo = await stat(source).catch(() => undefined);
    if (!sourceInfo?.isDirectory()) throw new SeedshipError('VALIDATION', `${source} is not a folder.`, 'source');
  } else if (!o.populate) throw new SeedshipError('VALIDATION', 'Give a folder to copy onto the volume.', 'source');
  const label = o.label ?? 'Seedship';
  if (!/^[\p{L}\p{N} _.-]{1,32}$/u.test(label)) throw new SeedshipError('VALIDATION', 'The label may have up to 32 letters, digits, spaces, "_", "." or "-".', 'label');
  const method = o.xts256 ? 'XtsAes256' : 'XtsAes128';
  const report = (phase: VolumeProgress['phase'], doneBytes: number, totalBytes: number) => o.onProgress?.({ phase, doneBytes, totalBytes });

  let totals = source !== undefined ? await measureTree(source, o.signal) : { files: 0, bytes: 0 };
  if (!o.reuseNtfs) {
    report('format', 0, 1);
    await formatNtfs(o.device, { sectorSize, label, signal: o.signal });
    report('format', 1, 1);
  }

  throwIfAborted(o.signal);
  let copied = 0;
  report('copy', 0, totals.bytes);
  const mount = await mountNtfs(o.device, { readOnly: false });
  try {
    // Reserved files first: on a fresh volume each lands in one contiguous run.
    if (!o.reuseNtfs) await createReservedFiles(mount.mountpoint);
    if (source !== undefined) await copyTree(source, mount.mountpoint, { signal: o.signal, onBytes: (n) => report('copy', (copied += n), totals.bytes) });
    else if (o.populate) totals = await o.populate(mount.mountpoint, o.signal);
  } finally {
    await mount.unmount();
  }

  throwIfAborted(o.signal);
  await o.beforeEncrypt?.();
  const geometry = await readNtfsGeometry(o.device);
  const areas = await locateReservedAreas(o.device, geometry.clusterSize);
  const bitmap = await readClusterBitmap(o.device);
  const used = usedClusterExtents(bitmap, geometry.clusters).map((e) => ({ offset: e.lcn * geometry.clusterSize, length: e.length * geometry.clusterSize }));
  // Everything past the last cluster (NTFS's backup boot sector) is encrypted too, like Windows does.
  const tail = { offset: geometry.clusters * geometry.clusterSize, length: volumeBytes - geometry.clusters * geometry.clusterSize };
  const holes = [{ offset: 0, length: VOLUME_HEADER_BYTES }, ...areas.metadataOffsets.map((offset) => ({ offset, length: METADATA_AREA_BYTES }))];
  const ranges = subtractRanges(normalizeRanges([...used, tail]), holes);
  const encryptBytes = totalLength(ranges);

  const io = await TargetIo.open(o.device, 'r+');
  const volume = createBitLockerVolume({
    method,
    sectorSize,
    metadataOffsets: areas.metadataOffsets,
    volumeHeaderOffset: areas.volumeHeaderOffset,
    description: `${label} ${new Date().toISOString().slice(0, 10)} (Seedship)`,
  });
  try {
    const bootArea = await io.read(0, VOLUME_HEADER_BYTES);
    const boot = parseNtfsBootSector(bootArea);
    if (!boot || boot.bytesPerSector !== sectorSize) throw new SeedshipError('INTERNAL', `mkntfs did not leave an NTFS boot sector with ${sectorSize}-byte sectors on ${o.device}.`);
    const writeMetadata = async (m: FveMetadata) => {
      for (const offset of m.metadataOffsets) await io.write(offset, buildMetadataArea(m, volume.vmk, volume.nonces));
      await io.sync();
    };

    // 1. A plaintext copy of the boot area goes into its reserved file; it is encrypted in place with the
    //    other ranges (its tweak is its own position, as readers expect).
    await io.write(areas.volumeHeaderOffset, bootArea);
    await io.sync();
    // 2. Metadata: in progress, nothing encrypted. 3. Then the volume header replaces the NTFS boot area.
    await writeMetadata(volume.metadata);
    const header = Buffer.alloc(VOLUME_HEADER_BYTES);
    buildFveVolumeHeader(bootArea, areas.metadataOffsets).copy(header);
    await io.write(0, header);
    await io.sync();

    // 4. Data, in windows; after each the metadata records the encrypted prefix.
    const windowBytes = Math.max(256 * 1024 * 1024, Math.ceil(volumeBytes / 16 / sectorSize) * sectorSize);
    let done = 0;
    report('encrypt', 0, encryptBytes);
    for (let start = 0; start < volumeBytes; start += windowBytes) {
      const end = Math.min(volumeBytes, start + windowBytes);
      const windowRanges = clipRanges(ranges, start, end);
      try {
        await encryptDeviceRanges({
          device: o.device,
          key: volume.fvek,
          sectorSize,
          ranges: windowRanges,
          signal: o.signal,
          workerDir: o.workerDir,
          onProgress: (d) => report('encrypt', done + d, encryptBytes),
        });
      } catch (error) {
        if (error instanceof SectorEncryptionStopped) {
          await writeMetadata({ ...volume.metadata, encryptedVolumeBytes: encryptedPrefix(windowRanges, error.finished, start, end) });
          if (error.cancelled) throw new SeedshipError('CANCELLED', 'Preparing the volume was cancelled; it is left marked "encryption in progress".');
          throw new SeedshipError('INTERNAL', `${error.message} The volume is left marked "encryption in progress".`);
        }
        throw error;
      }
      done += totalLength(windowRanges);
      await writeMetadata({ ...volume.metadata, encryptedVolumeBytes: end });
    }

    // 5. The last write: fully encrypted.
    report('finish', 0, 1);
    await writeMetadata({ ...volume.metadata, currentState: FVE_STATE.encrypted, nextState: FVE_STATE.encrypted, encryptedVolumeBytes: volumeBytes });
    report('finish', 1, 1);
    return {
      recoveryPassword: volume.recoveryPassword,
      protectorId: volume.protectorId,
      method,
      sectorSize,
      volumeBytes,
      encryptedBytes: encryptBytes,
      files: totals.files,
      fileBytes: totals.bytes,
    };
  } finally {
    volume.vmk.fill(0);
    volume.fvek.fill(0);
    await io.close();
  }
}

/** The end of the longest prefix of the window whose ranges are all finished. */
function encryptedPrefix(wanted: ByteRange[], finished: ByteRange[], start: number, end: number): number {
  const missing = subtractRanges(wanted, finished);
  return missing.length > 0 ? Math.max(start, (missing[0] as ByteRange).offset) : end;
}

