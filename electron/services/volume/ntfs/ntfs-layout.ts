/**
 * Just enough of the NTFS on-disk format to find the cluster bitmap of a volume we can only read
 * sector by sector (a BitLocker volume being decrypted): the boot sector, one MFT record, and a
 * non-resident attribute's runlist.
 */
export interface NtfsBootSector {
  bytesPerSector: number;
  clusterSize: number;
  /** Sectors in the volume; the backup boot sector sits just past them. */
  totalSectors: number;
  mftLcn: number;
  mftRecordSize: number;
}

export function parseNtfsBootSector(sector: Buffer): NtfsBootSector | undefined {
  if (sector.length < 512 || sector.toString('latin1', 3, 11) !== 'NTFS    ') return undefined;
  const bytesPerSector = sector.readUInt16LE(11);
  const sectorsPerCluster = sector[13] as number;
  // Values above 0x80 are negative powers of two (large clusters, Windows 10 1903+).
  const clusterSize = sectorsPerCluster <= 0x80 ? sectorsPerCluster * bytesPerSector : bytesPerSector * 2 ** (256 - sectorsPerCluster);
  const recordField = sector.readInt8(0x40);
  return {
    bytesPerSector,
    clusterSize,
    totalSectors: Number(sector.readBigUInt64LE(0x28)),
    mftLcn: Number(sector.readBigUInt64LE(0x30)),
    mftRecordSize: recordField > 0 ? recordField * clusterSize : 2 ** -recordField,
  };
}

export interface Run {
  lcn: number;
  length: number;
}

/** The runlist of the unnamed $DATA attribute of an MFT record (fixups applied on a copy). */
export function dataRunsOfRecord(record: Buffer): { runs: Run[]; dataSize: number } {
  const r = Buffer.from(record);
  if (r.toString('latin1', 0, 4) !== 'FILE') throw new RangeError('not an MFT record');
  const usaOffset = r.readUInt16LE(4);
  const usaCount = r.readUInt16LE(6);
  const check = r.readUInt16LE(usaOffset);
  // The update sequence protects every 512 bytes, whatever the sector size (NTFS_BLOCK_SIZE in ntfs-3g).
  for (let i = 1; i < usaCount; i += 1) {
    const end = i * 512 - 2;
    if (r.readUInt16LE(end) !== check) throw new RangeError('MFT record fails its update sequence check');
    r.writeUInt16LE(r.readUInt16LE(usaOffset + i * 2), end);
  }
  let offset = r.readUInt16LE(0x14);
  while (offset + 8 <= r.length) {
    const type = r.readUInt32LE(offset);
    if (type === 0xffffffff) break;
    const length = r.readUInt32LE(offset + 4);
    if (length === 0) break;
    const nonResident = r[offset + 8] === 1;
    const nameLength = r[offset + 9];
    if (type === 0x80 && nameLength === 0 && nonResident) {
      const dataSize = Number(r.readBigUInt64LE(offset + 0x30));
      return { runs: decodeRunlist(r.subarray(offset + r.readUInt16LE(offset + 0x20), offset + length)), dataSize };
    }
    offset += length;
  }
  throw new RangeError('MFT record has no non-resident $DATA attribute');
}

function decodeRunlist(data: Buffer): Run[] {
  const runs: Run[] = [];
  let pos = 0;
  let lcn = 0;
  while (pos < data.length && data[pos] !== 0) {
    const header = data[pos] as number;
    const lengthBytes = header & 0x0f;
    const offsetBytes = header >> 4;
    const length = data.readUIntLE(pos + 1, lengthBytes);
    if (offsetBytes > 0) {
      lcn += data.readIntLE(pos + 1 + lengthBytes, offsetBytes);
      runs.push({ lcn, length });
    }
    pos += 1 + lengthBytes + offsetBytes;
  }
  return runs;
}

/** Used-cluster extents of a bitmap, as [first cluster, count) pairs. */
export function usedClusterExtents(bitmap: Buffer, clusters: number): Run[] {
  const extents: Run[] = [];
  let start = -1;
  for (let c = 0; c < clusters; c += 1) {
    const byte = bitmap[c >> 3] as number;
    if (byte === 0 && (c & 7) === 0 && start < 0) {
      c += 7;
      continue;
    }
    const used = ((byte >> (c & 7)) & 1) === 1;
    if (used && start < 0) start = c;
    else if (!used && start >= 0) {
      extents.push({ lcn: start, length: c - start });
      start = -1;
    }
  }
  if (start >= 0) extents.push({ lcn: start, length: clusters - start });
  return extents;
}
