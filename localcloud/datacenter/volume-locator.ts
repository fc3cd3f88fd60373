import { open } from 'node:fs/promises';
import { DriveFailure } from './result-codes';

const FVE_SIGNATURE = '-FVE-FS-';
const NTFS_SIGNATURE = 'NTFS    ';

/** What sits at a volume's first sector: BitLocker, plain NTFS, or something else. */
export function volumeKind(bootSector: Buffer): 'bitlocker' | 'ntfs' | 'other' {
  const oem = bootSector.subarray(3, 11).toString('latin1');
  return oem === FVE_SIGNATURE ? 'bitlocker' : oem === NTFS_SIGNATURE ? 'ntfs' : 'other';
}

/**
 * Finds the drive's first volume and checks it is BitLocker: the whole device (how Seedship's Linux
 * writer prepares drives), or the first partition of an MBR or GPT disk (how Windows does). Returns
 * its byte offset. A drive that can't be read is DiskNotFound; a first volume that is plain NTFS is
 * BitLockerNotActivated; anything else is BitLockerVolumeNotFound.
 */
export async function locateBitLockerVolume(device: string): Promise<number> {
  let handle;
  try {
    handle = await open(device, 'r');
  } catch (error) {
    throw new DriveFailure('DiskNotFound', `The drive ${device} can't be opened: ${(error as Error).message}.`);
  }
  try {
    const read = async (offset: number, length: number) => {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, offset);
      return buffer.subarray(0, bytesRead);
    };
    let head: Buffer;
    try {
      head = await read(0, 512);
    } catch (error) {
      throw new DriveFailure('DiskNotFound', `The drive ${device} can't be read: ${(error as Error).message}.`);
    }
    if (head.length < 512) throw new DriveFailure('DiskNotFound', `The drive ${device} is empty.`);
    const offset = volumeKind(head) === 'other' ? await firstPartitionOffset(head, read) : 0;
    const kind = offset === null ? 'other' : volumeKind(offset === 0 ? head : await read(offset, 512));
    if (kind === 'bitlocker') return offset as number;
    if (kind === 'ntfs') throw new DriveFailure('BitLockerNotActivated', `The first volume of ${device} is NTFS without BitLocker: Import/Export only takes BitLocker-encrypted drives.`);
    throw new DriveFailure('BitLockerVolumeNotFound', `No BitLocker volume was found on ${device} (neither the whole drive nor its first partition).`);
  } finally {
    await handle.close();
  }
}

/** Byte offset of the first partition of an MBR or GPT disk (512-byte sectors), or null when there is none. */
async function firstPartitionOffset(mbr: Buffer, read: (offset: number, length: number) => Promise<Buffer>): Promise<number | null> {
  if (mbr.readUInt16LE(510) !== 0xaa55) return null;
  const type = mbr[446 + 4];
  if (type === 0xee) {
    // Protective MBR: the GPT header is at LBA 1, its first entry's first LBA at byte 32 of the entry.
    const header = await read(512, 92);
    if (header.subarray(0, 8).toString('latin1') !== 'EFI PART') return null;
    const entries = Number(header.readBigUInt64LE(72));
    const entry = await read(entries * 512, 128);
    const firstLba = Number(entry.readBigUInt64LE(32));
    return firstLba > 0 ? firstLba * 512 : null;
  }
  const firstLba = mbr.readUInt32LE(446 + 8);
  return type !== 0 && firstLba > 0 ? firstLba * 512 : null;
}
