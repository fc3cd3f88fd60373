import { SeedshipError } from '../../../../shared/api/errors';
import { TargetIo } from '../block-target';
import { dataRunsOfRecord, parseNtfsBootSector, type Run } from './ntfs-layout';

/**
 * Direct edits of MFT records on an unmounted NTFS. Disk prep lets `ntfsfallocate` allocate a
 * file's clusters (it sets the data size but leaves the initialized size at 0, so readers would
 * see zeros), writes the file's bytes itself, and then declares them valid here: initialized
 * size := data size in the file's unnamed non-resident $DATA attribute.
 */

/** The update sequence protects every 512 bytes of a record, whatever the sector size (NTFS_BLOCK_SIZE). */
const FIXUP_STRIDE = 512;
const ATTR_FILE_NAME = 0x30;
const ATTR_DATA = 0x80;
const ATTR_END = 0xffffffff;

/** Checks and undoes a record's update-sequence fixups in place (the sectors' last 2 bytes get their saved values back). */
export function removeFixups(record: Buffer): void {
  if (record.toString('latin1', 0, 4) !== 'FILE') throw new RangeError('not an MFT record');
  const usaOffset = record.readUInt16LE(4);
  const usaCount = record.readUInt16LE(6);
  if (usaCount - 1 !== record.length / FIXUP_STRIDE) throw new RangeError(`the update sequence covers ${usaCount - 1} strides, the record has ${record.length / FIXUP_STRIDE}`);
  const usn = record.readUInt16LE(usaOffset);
  for (let i = 1; i < usaCount; i += 1) {
    const end = i * FIXUP_STRIDE - 2;
    if (record.readUInt16LE(end) !== usn) throw new RangeError('MFT record fails its update sequence check (torn write)');
    record.writeUInt16LE(record.readUInt16LE(usaOffset + i * 2), end);
  }
}

/**
 * Re-applies fixups before the record goes back to disk: each stride's last 2 bytes are saved in
 * the update sequence array and replaced by the update sequence number, incremented as NTFS does
 * on every write (skipping 0, which readers treat as "no fixups"), so a torn write is detectable.
 */
export function applyFixups(record: Buffer): void {
  const usaOffset = record.readUInt16LE(4);
  const usaCount = record.readUInt16LE(6);
  let usn = (record.readUInt16LE(usaOffset) + 1) & 0xffff;
  if (usn === 0 || usn === 0xffff) usn = 1;
  record.writeUInt16LE(usn, usaOffset);
  for (let i = 1; i < usaCount; i += 1) {
    const end = i * FIXUP_STRIDE - 2;
    record.writeUInt16LE(record.readUInt16LE(end), usaOffset + i * 2);
    record.writeUInt16LE(usn, end);
  }
}

/** Each attribute of a record without fixups: its type and where it starts and how long it is. */
function* attributes(record: Buffer): Generator<{ type: number; offset: number; length: number }> {
  let offset = record.readUInt16LE(0x14);
  while (offset + 8 <= record.length) {
    const type = record.readUInt32LE(offset);
    if (type === ATTR_END) return;
    const length = record.readUInt32LE(offset + 4);
    if (length === 0 || offset + length > record.length) return;
    yield { type, offset, length };
    offset += length;
  }
}

/** The unnamed $DATA attribute of the base record (name length 0), or a clear error. */
function unnamedData(record: Buffer): { offset: number; length: number } {
  for (const a of attributes(record)) if (a.type === ATTR_DATA && record[a.offset + 9] === 0) return a;
  throw new RangeError('no unnamed $DATA attribute in the base record');
}

/**
 * In a record without fixups: sets the unnamed non-resident $DATA's initialized size (header
 * offset 0x38) to its data size (0x30); returns the data size. Throws when the attribute is not in
 * this record (resident, or moved to an extension record through an attribute list).
 */
export function initializeDataAttribute(record: Buffer): number {
  const { offset } = unnamedData(record);
  if (record[offset + 8] !== 1) throw new RangeError('its $DATA attribute is resident');
  if (record.readBigUInt64LE(offset + 0x10) !== 0n) throw new RangeError('its $DATA attribute does not start at VCN 0');
  const allocated = record.readBigUInt64LE(offset + 0x28);
  const dataSize = record.readBigUInt64LE(offset + 0x30);
  if (dataSize > allocated) throw new RangeError('its data size exceeds its allocated size');
  record.writeBigUInt64LE(dataSize, offset + 0x38);
  syncFileNameSizes(record, allocated, dataSize);
  return Number(dataSize);
}

/**
 * The sizes in the record's own $FILE_NAME attributes (value offsets 0x28 allocated, 0x30 real)
 * still say 0 after ntfsfallocate; the directory index already has the right ones. They are set
 * too, so a chkdsk on Windows finds nothing to correct.
 */
function syncFileNameSizes(record: Buffer, allocated: bigint, dataSize: bigint): void {
  for (const a of attributes(record)) {
    if (a.type !== ATTR_FILE_NAME || record[a.offset + 8] !== 0) continue;
    const value = a.offset + record.readUInt16LE(a.offset + 0x14);
    if (value + 0x38 > a.offset + a.length) continue;
    record.writeBigUInt64LE(allocated, value + 0x28);
    record.writeBigUInt64LE(dataSize, value + 0x30);
  }
}

/**
 * In a record without fixups: overwrites the value of the unnamed resident $DATA attribute, which
 * must already have `data`'s length (ntfsfallocate leaves a small file resident, zero-filled).
 */
export function setResidentData(record: Buffer, data: Buffer): void {
  const { offset, length } = unnamedData(record);
  if (record[offset + 8] !== 0) throw new RangeError('its $DATA attribute is not resident');
  const valueLength = record.readUInt32LE(offset + 0x10);
  const valueOffset = record.readUInt16LE(offset + 0x14);
  if (valueLength !== data.length || valueOffset + valueLength > length) throw new RangeError(`its resident $DATA holds ${valueLength} bytes, not ${data.length}`);
  data.copy(record, offset + valueOffset);
}

/** Where MFT record `n` starts on the volume, following $MFT's own runlist (record 0). */
export function mftRecordOffset(mftRuns: readonly Run[], clusterSize: number, recordSize: number, n: number): number {
  let at = n * recordSize;
  for (const run of mftRuns) {
    const bytes = run.length * clusterSize;
    if (at < bytes) {
      // Records never straddle runs: the MFT grows in whole clusters, and records are ≤ a cluster or whole clusters.
      if (at + recordSize > bytes) throw new RangeError(`MFT record ${n} straddles two runs of $MFT`);
      return run.lcn * clusterSize + at;
    }
    at -= bytes;
  }
  throw new RangeError(`MFT record ${n} lies past the end of $MFT`);
}

/** The byte offset of each MFT record number on a plain (unmounted) NTFS, for later direct edits. */
export async function locateMftRecords(device: string, records: readonly number[]): Promise<{ offsets: number[]; recordSize: number }> {
  if (records.length === 0) return { offsets: [], recordSize: 0 };
  const io = await TargetIo.open(device, 'r');
  try {
    const boot = parseNtfsBootSector(await io.read(0, 512));
    if (!boot) throw new SeedshipError('INTERNAL', `${device} has no NTFS boot sector.`);
    const { runs } = dataRunsOfRecord(await io.read(boot.mftLcn * boot.clusterSize, boot.mftRecordSize));
    return { offsets: records.map((n) => mftRecordOffset(runs, boot.clusterSize, boot.mftRecordSize, n)), recordSize: boot.mftRecordSize };
  } finally {
    await io.close();
  }
}

/**
 * Rewrites the MFT record at `offset` (located beforehand: once the BitLocker header replaces the
 * boot sector, $MFT can't be found from it) with `edit` applied between removing and re-applying
 * its fixups. The MFT must still be plain (not yet encrypted in place).
 */
export async function editMftRecordAt(io: TargetIo, offset: number, recordSize: number, edit: (record: Buffer) => void): Promise<void> {
  const record = await io.read(offset, recordSize);
  removeFixups(record);
  edit(record);
  applyFixups(record);
  await io.write(offset, record);
}

/**
 * For each MFT record number: initialized size := data size, written back with fresh fixups and
 * flushed. The volume must be unmounted (ntfs-3g would overwrite the records from its cache).
 */
export async function initializeFileData(device: string, records: readonly number[]): Promise<void> {
  if (records.length === 0) return;
  const { offsets, recordSize } = await locateMftRecords(device, records);
  const io = await TargetIo.open(device, 'r+');
  try {
    for (const [i, n] of records.entries()) {
      try {
        await editMftRecordAt(io, offsets[i] as number, recordSize, (record) => initializeDataAttribute(record));
      } catch (error) {
        if (error instanceof SeedshipError) throw error;
        throw new SeedshipError('INTERNAL', `MFT record ${n} on ${device} can't be completed: ${(error as Error).message}.`);
      }
    }
    await io.sync();
  } finally {
    await io.close();
  }
}
