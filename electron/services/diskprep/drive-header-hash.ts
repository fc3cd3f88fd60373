import { createHash } from 'node:crypto';
import { TargetIo } from '../volume/block-target';
import { parseFveVolumeHeader } from '../volume/bitlocker/fve-volume-header';
import { METADATA_AREA_BYTES, VOLUME_HEADER_BYTES } from '../volume/bitlocker/constants';

/**
 * Import/Export's `driveHeaderHash` is undocumented; WAImportExport's examples have the form
 * `offset:length:<128 hex>;…`, i.e. SHA-512s of regions at the start of the encrypted drive.
 * Seedship hashes two regions that identify this BitLocker volume as written: the volume header
 * area (offset 0, 8 KiB, "-FVE-FS-" and the metadata offsets) and the first metadata copy
 * (its offset, 64 KiB: protector, wrapped keys). Both change if the drive is re-prepared.
 */
export async function driveHeaderHash(device: string): Promise<string> {
  const io = await TargetIo.open(device, 'r');
  try {
    const header = await io.read(0, VOLUME_HEADER_BYTES);
    const parsed = parseFveVolumeHeader(header.subarray(0, 512));
    const regions: [number, number][] = [[0, VOLUME_HEADER_BYTES]];
    const first = parsed?.metadataOffsets[0];
    if (first !== undefined) regions.push([first, METADATA_AREA_BYTES]);
    const parts: string[] = [];
    for (const [offset, length] of regions) {
      const bytes = offset === 0 ? header : await io.read(offset, length);
      parts.push(`${offset}:${length}:${createHash('sha512').update(bytes).digest('hex').toUpperCase()}`);
    }
    return parts.join(';');
  } finally {
    await io.close();
  }
}
