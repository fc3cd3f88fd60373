import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { SeedshipError } from '../../../shared/api/errors';
import { MANIFEST_BLOCK_BYTES } from '../../../shared/diskprep/diskprep-api';
import { TargetIo } from '../volume/block-target';
import { editMftRecordAt, initializeFileData, locateMftRecords, setResidentData } from '../volume/ntfs/mft-record';
import { allocateFiles, checkNtfs, type ClusterRun, type NtfsFileInfo, readFilesInfo, readNtfsGeometry } from '../volume/ntfs/ntfs-tools';
import { throwIfAborted } from '../volume/run-tool';
import type { BlockBuffers } from './block-buffers';
import type { DiskPrepPool } from './diskprep-pool';
import { clusterRanges, type FileExtents, type FileLayout } from './file-layout';

/**
 * Direct placement: a large file's bytes are written once, already encrypted, at the clusters the
 * NTFS gave it, instead of a plaintext copy through ntfs-3g followed by in-place encryption (two
 * writes of every byte; the disk's write bandwidth is what limits disk prep).
 *
 * 1. On the mount, the file is created empty. 2. Unmounted, `allocateDirectFiles` has ntfsfallocate
 *    reserve its clusters and marks them initialized (mft-record.ts), so NTFS readers take the
 *    bytes from the clusters. 3. With the BitLocker conversion begun, `writeDirectFile` reads the
 *    staging file, hashes and XTS-encrypts each block for its target sectors on the worker pool,
 *    and writes it there. The in-place encryption pass then skips these clusters.
 */

export interface DirectFile {
  ntfsPath: string;
  bytes: number;
}

/**
 * Allocates (unmounted volume) each file's clusters, sets initialized size = data size, checks that
 * ntfsinfo reads it back so and that ntfsfix finds the volume clean, and returns where each file lies.
 * A file small enough to fit its MFT record stays resident (ntfsfallocate keeps it there): its
 * record's location is returned instead, for writeResidentFile.
 */
export async function allocateDirectFiles(device: string, files: readonly DirectFile[], signal?: AbortSignal): Promise<FileLayout> {
  const { clusterSize } = await readNtfsGeometry(device);
  throwIfAborted(signal);
  await allocateFiles(device, files.map((f) => ({ path: f.ntfsPath, bytes: f.bytes })), signal);
  const allocated = await readFilesInfo(device, files.map((f) => f.ntfsPath));
  await initializeFileData(
    device,
    allocated.filter((info) => !info.resident).map((info) => info.record),
  );
  const resident = files.flatMap((f, i) => (allocated[i]?.resident ? [{ f, record: (allocated[i] as NtfsFileInfo).record }] : []));
  const located = await locateMftRecords(
    device,
    resident.map((r) => r.record),
  );
  const layout: FileLayout = {};
  resident.forEach(({ f }, i) => {
    layout[f.ntfsPath] = { ranges: [], resident: true, mftRecord: { offset: located.offsets[i] as number, size: located.recordSize } };
  });
  const checked = await readFilesInfo(device, files.map((f) => f.ntfsPath));
  files.forEach((f, i) => {
    const info = checked[i] as NtfsFileInfo;
    if (info.dataSize !== f.bytes || info.initializedSize !== f.bytes) {
      throw new SeedshipError('INTERNAL', `${f.ntfsPath} did not get its bytes allocated (data size ${info.dataSize}, initialized ${info.initializedSize}, expected ${f.bytes}).`);
    }
    if (!info.resident) layout[f.ntfsPath] = extentsOf(info.runs, clusterSize, f);
  });
  await checkNtfs(device);
  return layout;
}

/**
 * Writes a resident file's bytes into its MFT record (still plain: the in-place pass encrypts the
 * MFT after this), flushed.
 */
export async function writeResidentFile(device: string, extents: FileExtents, data: Buffer): Promise<void> {
  const where = extents.mftRecord;
  if (!extents.resident || !where) throw new SeedshipError('INTERNAL', 'A resident file was recorded without its MFT record.');
  const io = await TargetIo.open(device, 'r+');
  try {
    await editMftRecordAt(io, where.offset, where.size, (record) => setResidentData(record, data));
    await io.sync();
  } finally {
    await io.close();
  }
}

function extentsOf(runs: ClusterRun[], clusterSize: number, f: DirectFile): FileExtents {
  const ranges = clusterRanges(runs, clusterSize, () => `${f.ntfsPath} has a sparse hole after ntfsfallocate.`);
  if (ranges.reduce((n, r) => n + r[1], 0) < f.bytes) throw new SeedshipError('INTERNAL', `${f.ntfsPath} got fewer clusters than its ${f.bytes} bytes.`);
  return { ranges, resident: false };
}

/**
 * Opens the drive for the direct writes and the readback with O_DIRECT, so the readback reads the
 * drive itself, not the page cache the writes just filled, and a write is not first copied into
 * that cache (measured here: 2.5 CPU-s per GiB into fresh cache pages, against 0.02 s direct). Its
 * buffers must be sector-aligned (BlockBuffers are). Where the kernel refuses O_DIRECT (an image
 * file on tmpfs), the cache is used.
 */
export async function openDeviceDirect(device: string, mode: 'read' | 'write'): Promise<FileHandle> {
  const flags = mode === 'write' ? constants.O_RDWR : constants.O_RDONLY;
  try {
    return await open(device, flags | constants.O_DIRECT);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EINVAL') throw error;
    return open(device, flags);
  }
}

/** Reads `length` bytes at `position` of the source into `buffer`; short only at its end. */
export type BlockSource = (buffer: Buffer, length: number, position: number) => Promise<number>;

/**
 * Writes one file at its extents, encrypted: block k is read while k-1 is hashed and encrypted on
 * the pool and earlier ones are written, in order, through `device` (one writer: the disk sees a
 * sequential stream). The last block is padded with zeros to the end of its cluster. Resolves once
 * every write is done, not flushed: the caller flushes before it journals the file as done. Returns
 * each block's uppercase MD5 (of the plaintext) in order.
 */
export async function writeDirectFile(o: {
  device: FileHandle;
  source: BlockSource;
  bytes: number;
  extents: FileExtents;
  sectorSize: number;
  pool: DiskPrepPool;
  buffers: BlockBuffers;
  signal?: AbortSignal;
  onBytes: (n: number) => void;
  /** Describes a source that ended early. */
  shorter: () => SeedshipError;
}): Promise<string[]> {
  // Through the end of the last cluster: its slack past the file's end is written as zeros, so it
  // holds no stale bytes (but never into a block of its own: the manifest lists the file's blocks).
  const allocated = o.extents.ranges.reduce((n, r) => n + r[1], 0);
  const written = Math.min(allocated, Math.ceil(o.bytes / MANIFEST_BLOCK_BYTES) * MANIFEST_BLOCK_BYTES);
  const hashes: string[] = [];
  const chains: Promise<void>[] = [];
  let previousWrite: Promise<void> = Promise.resolve();
  try {
    for (let k = 0, position = 0; position < written; k += 1, position += MANIFEST_BLOCK_BYTES) {
      if (o.signal?.aborted) throw new SeedshipError('CANCELLED', 'Disk prep was cancelled; the journal lets the next run resume.');
      const buffer = await o.buffers.take();
      const length = Math.min(MANIFEST_BLOCK_BYTES, written - position);
      const dataBytes = Math.max(0, Math.min(length, o.bytes - position));
      let filled = 0;
      while (filled < dataBytes) {
        const n = await o.source(buffer.subarray(filled), dataBytes - filled, position + filled);
        if (n === 0) throw o.shorter();
        filled += n;
      }
      buffer.fill(0, dataBytes, length);
      const pieces = devicePieces(o.extents, position, length, o.sectorSize);
      const index = k;
      const encrypted = o.pool.md5Encrypt(buffer.subarray(0, length), dataBytes, pieces.map((p) => ({ offset: p.at, length: p.length, firstSector: p.device / o.sectorSize })));
      const write = Promise.all([encrypted, previousWrite]).then(async ([{ data, hash }]) => {
        hashes[index] = hash;
        for (const p of pieces) {
          let done = 0;
          while (done < p.length) done += (await o.device.write(data, p.at + done, p.length - done, p.device + done)).bytesWritten;
        }
        o.buffers.give(buffer);
        o.onBytes(dataBytes);
      });
      previousWrite = write;
      write.catch((error: unknown) => o.buffers.fail(error));
      chains.push(write);
    }
    await Promise.all(chains);
    return hashes;
  } catch (error) {
    await Promise.allSettled(chains);
    throw error;
  }
}

/** The device ranges of file bytes [position, position + length), each with its offset in the block. */
function devicePieces(extents: FileExtents, position: number, length: number, sectorSize: number): { at: number; device: number; length: number }[] {
  const pieces: { at: number; device: number; length: number }[] = [];
  let fileAt = 0;
  for (const [offset, rangeLength] of extents.ranges) {
    const from = Math.max(position, fileAt);
    const to = Math.min(position + length, fileAt + rangeLength);
    if (to > from) pieces.push({ at: from - position, device: offset + (from - fileAt), length: to - from });
    fileAt += rangeLength;
  }
  if (pieces.reduce((n, p) => n + p.length, 0) !== length) throw new SeedshipError('INTERNAL', 'A file’s extents are shorter than its data.');
  if (pieces.some((p) => p.device % sectorSize !== 0 || p.length % sectorSize !== 0)) throw new SeedshipError('INTERNAL', 'A file’s extents are not sector-aligned.');
  return pieces;
}

/**
 * Reads a written file back from the device once its writes are flushed, while later files are
 * written: each block's sectors, read at its extents (real reads of the device, into buffers of
 * `buffers`, not the ones written from), XTS-decrypted for those sectors and MD5'd on the pool
 * (useKey 'decrypt' first), against the hash taken of the plaintext on the copy. Returns the
 * mismatches, worded as verifyPreparedDrive's.
 */
export async function readBackDirectFile(o: {
  device: FileHandle;
  ntfsPath: string;
  bytes: number;
  extents: FileExtents;
  sectorSize: number;
  hashes: readonly string[];
  pool: DiskPrepPool;
  buffers: BlockBuffers;
  signal?: AbortSignal;
}): Promise<string[]> {
  const mismatches: string[] = [];
  const blocks = Math.ceil(o.bytes / MANIFEST_BLOCK_BYTES);
  if (blocks !== o.hashes.length) mismatches.push(`${o.ntfsPath}: ${o.hashes.length} block hashes recorded for ${blocks} blocks`);
  const checks: Promise<void>[] = [];
  try {
    for (let i = 0; i < blocks; i += 1) {
      throwIfAborted(o.signal);
      const start = i * MANIFEST_BLOCK_BYTES;
      const dataBytes = Math.min(MANIFEST_BLOCK_BYTES, o.bytes - start);
      const length = Math.ceil(dataBytes / o.sectorSize) * o.sectorSize;
      const buffer = await o.buffers.take();
      const pieces = devicePieces(o.extents, start, length, o.sectorSize);
      try {
        for (const p of pieces) {
          let done = 0;
          while (done < p.length) {
            const { bytesRead } = await o.device.read(buffer, p.at + done, p.length - done, p.device + done);
            if (bytesRead === 0) throw new SeedshipError('INTERNAL', `${o.ntfsPath}: the device ended at ${p.device + done} while reading it back.`);
            done += bytesRead;
          }
        }
      } catch (error) {
        o.buffers.give(buffer);
        throw error;
      }
      const expected = o.hashes[i];
      const check = o.pool.decryptMd5(buffer.subarray(0, length), dataBytes, pieces.map((p) => ({ offset: p.at, length: p.length, firstSector: p.device / o.sectorSize }))).then(({ hash }) => {
        o.buffers.give(buffer);
        if (hash !== expected) mismatches.push(`${o.ntfsPath} block ${i} (offset ${start}): MD5 ${hash}, manifest ${expected ?? 'none'}`);
      });
      check.catch((error: unknown) => o.buffers.fail(error));
      checks.push(check);
    }
    await Promise.all(checks);
    return mismatches;
  } catch (error) {
    await Promise.allSettled(checks);
    throw error;
  }
}
