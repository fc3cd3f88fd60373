import { open } from 'node:fs/promises';
import { SeedshipError } from '../../../shared/api/errors';
import { dataRunsOfRecord, parseNtfsBootSector, usedClusterExtents } from './ntfs/ntfs-layout';
import { throwIfAborted } from './run-tool';

const CHUNK_BYTES = 4 * 1024 * 1024;

/** What this needs of an open volume (BitLockerVolume): decrypted whole-sector reads. */
export interface DecryptedVolumeReader {
  readonly sectorSize: number;
  readonly volumeBytes: number;
  read(offset: number, length: number): Promise<Buffer>;
}

/**
 * Writes the decrypted NTFS of an open BitLocker volume into a sparse image file, so ntfs-3g's
 * tools can read it: the boot sectors, the $Bitmap (found through MFT record 6), then only the
 * clusters the bitmap marks used, and the backup boot sector. Free clusters stay holes.
 */
export async function writeDecryptedImage(
  volume: DecryptedVolumeReader,
  imagePath: string,
  o: { signal?: AbortSignal; onProgress?: (doneBytes: number, totalBytes: number) => void } = {},
): Promise<void> {
  const boot = parseNtfsBootSector(await volume.read(0, volume.sectorSize));
  if (!boot) throw new SeedshipError('VALIDATION', 'The decrypted volume does not start with an NTFS boot sector (wrong key or not NTFS).', 'device');
  const { clusterSize, bytesPerSector } = boot;
  const clusters = Math.floor((boot.totalSectors * bytesPerSector) / clusterSize);
  const recordOffset = boot.mftLcn * clusterSize + 6 * boot.mftRecordSize;
  const recordStart = Math.floor(recordOffset / volume.sectorSize) * volume.sectorSize;
  const recordSpan = Math.ceil((recordOffset + boot.mftRecordSize) / volume.sectorSize) * volume.sectorSize - recordStart;
  const recordData = await volume.read(recordStart, recordSpan);
  const bitmapRuns = dataRunsOfRecord(recordData.subarray(recordOffset - recordStart, recordOffset - recordStart + boot.mftRecordSize));
  const bitmapParts: Buffer[] = [];
  for (const run of bitmapRuns.runs) bitmapParts.push(await volume.read(run.lcn * clusterSize, run.length * clusterSize));
  const extents = usedClusterExtents(Buffer.concat(bitmapParts), clusters);
  const total = extents.reduce((n, e) => n + e.length * clusterSize, 0);

  const image = await open(imagePath, 'w');
  try {
    await image.truncate(volume.volumeBytes);
    let done = 0;
    for (const extent of extents) {
      const end = (extent.lcn + extent.length) * clusterSize;
      for (let at = extent.lcn * clusterSize; at < end; at += CHUNK_BYTES) {
        throwIfAborted(o.signal);
        const length = Math.min(CHUNK_BYTES, end - at);
        await image.write(await volume.read(at, length), 0, length, at);
        done += length;
        o.onProgress?.(done, total);
      }
    }
    const tailStart = clusters * clusterSize;
    if (tailStart < volume.volumeBytes) await image.write(await volume.read(tailStart, volume.volumeBytes - tailStart), 0, volume.volumeBytes - tailStart, tailStart);
  } finally {
    await image.close();
  }
}
