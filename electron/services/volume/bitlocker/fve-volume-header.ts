import { BITLOCKER_GUID, BOOT_ENTRY_V2, FVE_SIGNATURE } from './constants';

/**
 * The Windows 7+ BitLocker volume header that replaces the NTFS boot sector (libbde "BitLocker
 * Windows 7 and later"): a FAT32-looking BPB with "-FVE-FS-" as OEM id, the BitLocker GUID at 0xA0
 * and the byte offsets of the three FVE metadata blocks at 0xB0/0xB8/0xC0.
 *
 * The 16/32/64-bit sector counts stay zero on purpose: dislocker then takes the volume size from
 * the decrypted NTFS boot sector instead of from this header.
 */
export function buildFveVolumeHeader(ntfsBootSector: Buffer, metadataOffsets: readonly [number, number, number]): Buffer {
  const sectorSize = ntfsBootSector.readUInt16LE(11);
  const header = Buffer.alloc(sectorSize);
  BOOT_ENTRY_V2.copy(header, 0);
  FVE_SIGNATURE.copy(header, 3);
  header.writeUInt16LE(sectorSize, 11);
  header[13] = ntfsBootSector[13] as number; // sectors per cluster
  header[21] = 0xf8; // media descriptor: fixed disk
  header.writeUInt16LE(ntfsBootSector.readUInt16LE(24), 24); // sectors per track
  header.writeUInt16LE(ntfsBootSector.readUInt16LE(26), 26); // heads
  header.writeUInt32LE(ntfsBootSector.readUInt32LE(28), 28); // hidden sectors = where the volume starts
  header.writeUInt32LE(0x1fe0, 36);
  header.writeUInt16LE(1, 48); // FS information sector
  header.writeUInt16LE(6, 50); // backup boot sector
  header[64] = 0x80;
  header[66] = 0x29;
  ntfsBootSector.copy(header, 67, 72, 76); // low half of the NTFS serial number
  Buffer.from('NO NAME    FAT32   ', 'latin1').copy(header, 71);
  BITLOCKER_GUID.copy(header, 160);
  metadataOffsets.forEach((offset, i) => header.writeBigUInt64LE(BigInt(offset), 176 + i * 8));
  header[510] = 0x55;
  header[511] = 0xaa;
  return header;
}

export interface FveVolumeHeader {
  sectorSize: number;
  metadataOffsets: [number, number, number];
}

/** Reads a volume header; undefined when the sector is not a Windows 7+ BitLocker one. */
export function parseFveVolumeHeader(sector: Buffer): FveVolumeHeader | undefined {
  if (sector.length < 512 || !sector.subarray(0, 3).equals(BOOT_ENTRY_V2) || !sector.subarray(3, 11).equals(FVE_SIGNATURE)) return undefined;
  if (!sector.subarray(160, 176).equals(BITLOCKER_GUID)) return undefined;
  const sectorSize = sector.readUInt16LE(11);
  if (sectorSize !== 512 && sectorSize !== 4096) return undefined;
  const offset = (i: number) => Number(sector.readBigUInt64LE(176 + i * 8));
  return { sectorSize, metadataOffsets: [offset(0), offset(1), offset(2)] };
}
