import { createHash } from 'node:crypto';
import { SeedshipError } from '../../../shared/api/errors';
import { MANIFEST_BLOCK_BYTES } from '../../../shared/diskprep/diskprep-api';
import type { RecoveryProtector } from '../volume/bitlocker/volume-keys';
import { BitLockerVolume, type SealedPiece } from '../volume/open-volume';
import { throwIfAborted } from '../volume/run-tool';
import type { DiskPrepPool } from './diskprep-pool';
import type { FileExtents, FileLayout } from './file-layout';

export interface VerifyFile {
  ntfsPath: string;
  bytes: number;
  blockHashes: string[];
}

export interface VerifyDriveReport {
  blocks: number;
  bytes: number;
  /** Small files stored inside their MFT record: covered by the manifest's hash, not read block by block. */
  residentFiles: number;
  mismatches: string[];
}

/**
 * Reads every file of a prepared drive back through the BitLocker reader (decrypting with the
 * recovery password, as the datacenter will) and checks each 4 MiB block's MD5 against the
 * manifest (of the files in `readBack`, one block in all); decrypting and hashing run on
 * the worker pool while the next blocks are read.
 */
export async function verifyPreparedDrive(o: {
  device: string;
  recoveryPassword: string;
  /** The password's stretched key, when the caller just created the volume (saves a second; see UnlockOptions). */
  known?: RecoveryProtector;
  layout: FileLayout;
  files: VerifyFile[];
  manifest: { ntfsPath: string; md5: string };
  /**
   * Files this run already read back from the device block by block after writing them (readBackDirectFile:
   * decrypted with the FVEK, MD5s compared): through the reader only one block of one of them, which
   * proves the on-disk metadata opens to the key they were written with. Every other file: every block.
   */
  readBack?: ReadonlySet<string>;
  pool: DiskPrepPool;
  signal?: AbortSignal;
  onBytes?: (doneBytes: number) => void;
}): Promise<VerifyDriveReport> {
  const volume = await BitLockerVolume.open(o.device, o.recoveryPassword, o.known ? { known: o.known } : {});
  const report: VerifyDriveReport = { blocks: 0, bytes: 0, residentFiles: 0, mismatches: [] };
  try {
    if (!volume.fullyEncrypted) report.mismatches.push('the volume is not marked fully encrypted');
    for (const p of volume.metadataProblems) report.mismatches.push(`BitLocker metadata copy ${p.copy}: ${p.reason}`);
    const inFlight = new Set<Promise<void>>();
    const limit = o.pool.size * 2;
    // The workers decrypt as well as hash: one thread alone would hold the read to its XTS speed.
    const key = volume.shareKey();
    try {
      await o.pool.useKey(key, volume.sectorSize, 'decrypt');
    } finally {
      key.fill(0);
    }
    let sampled = false;
    for (const file of o.files) {
      const extents = o.layout[file.ntfsPath];
      if (!extents) throw new SeedshipError('INTERNAL', `No layout recorded for ${file.ntfsPath}.`);
      if (extents.resident) {
        report.residentFiles += 1;
        continue;
      }
      const blocks = Math.ceil(file.bytes / MANIFEST_BLOCK_BYTES);
      if (blocks !== file.blockHashes.length) report.mismatches.push(`${file.ntfsPath}: ${file.blockHashes.length} block hashes recorded for ${blocks} blocks`);
      // The readback checked every block of these with the volume key at the sectors of the recorded
      // layout, which is what this reader reads too. What it adds is that the metadata opens, with
      // the recovery password, to that same key: true for all of them or none, so one block of one
      // of them shows it.
      const readBefore = o.readBack?.has(file.ntfsPath) ?? false;
      const through = readBefore ? (sampled ? 0 : Math.min(1, blocks)) : blocks;
      if (readBefore) sampled = true;
      for (let i = 0; i < through; i += 1) {
        throwIfAborted(o.signal);
        const start = i * MANIFEST_BLOCK_BYTES;
        const length = Math.min(MANIFEST_BLOCK_BYTES, file.bytes - start);
        const { data, sealed } = await readFileSealed(volume, extents, start, length);
        const expected = file.blockHashes[i];
        const job = o.pool.decryptMd5(data, length, sealed).then(({ hash }) => {
          report.blocks += 1;
          report.bytes += length;
          o.onBytes?.(report.bytes);
          if (hash !== expected) report.mismatches.push(`${file.ntfsPath} block ${i} (offset ${start}): MD5 ${hash}, manifest ${expected ?? 'none'}`);
        });
        const tracked = job.finally(() => inFlight.delete(tracked));
        inFlight.add(tracked);
        if (inFlight.size >= limit) await Promise.race(inFlight);
      }
    }
    await Promise.all(inFlight);
    await o.pool.forgetKey();
    const manifestExtents = o.layout[o.manifest.ntfsPath];
    if (manifestExtents && !manifestExtents.resident) {
      const total = manifestExtents.ranges.reduce((n, r) => n + r[1], 0);
      const text = (await readFileBytes(volume, manifestExtents, 0, total)).toString('latin1');
      // The file's bytes end where the XML does; the cluster's slack after it is not the file's.
      const end = text.indexOf('</DriveManifest>\n');
      const md5 = end < 0 ? 'unreadable' : createHash('md5').update(Buffer.from(text.slice(0, end + '</DriveManifest>\n'.length), 'latin1')).digest('hex').toUpperCase();
      if (md5 !== o.manifest.md5) report.mismatches.push(`DriveManifest.xml reads back with MD5 ${md5}, expected ${o.manifest.md5}`);
    }
    return report;
  } finally {
    await volume.close();
  }
}

/**
 * The device reads that bring back `length` bytes of a file from `offset`, following its extents:
 * where to read (whole sectors), where the piece goes in the file's buffer, and how much of it is
 * the file's. Throws when the extents end before the file does.
 */
function* extentReads(extents: FileExtents, offset: number, length: number, sectorSize: number): Generator<{ device: number; at: number; take: number; readLength: number }> {
  let fileAt = 0;
  let filled = 0;
  for (const [rangeOffset, rangeLength] of extents.ranges) {
    if (filled >= length) break;
    const rangeEnd = fileAt + rangeLength;
    const from = offset + filled;
    if (from < rangeEnd) {
      const within = from - fileAt;
      const take = Math.min(length - filled, rangeLength - within);
      yield { device: rangeOffset + within, at: filled, take, readLength: Math.ceil(take / sectorSize) * sectorSize };
      filled += take;
    }
    fileAt = rangeEnd;
  }
  if (filled < length) throw new SeedshipError('INTERNAL', 'A file’s recorded extents are shorter than the file.');
}

/**
 * `length` bytes of a file from `offset`, following its extents, as stored (see readSealed): the
 * buffer runs to the end of the last sector so every sealed piece is whole sectors.
 */
async function readFileSealed(volume: BitLockerVolume, extents: FileExtents, offset: number, length: number): Promise<{ data: Buffer; sealed: SealedPiece[] }> {
  const ss = volume.sectorSize;
  let out: Buffer | null = null;
  const sealed: SealedPiece[] = [];
  for (const r of extentReads(extents, offset, length, ss)) {
    const piece = await volume.readSealed(r.device, r.readLength);
    // The usual case, the block inside one extent: no copy.
    if (r.at === 0 && r.take === length) return piece;
    // Extents are whole clusters, so every piece but the last is whole sectors and lands at `at`.
    out ??= Buffer.allocUnsafeSlow(Math.ceil(length / ss) * ss);
    piece.data.copy(out, r.at);
    for (const p of piece.sealed) sealed.push({ ...p, offset: p.offset + r.at });
  }
  if (!out) throw new SeedshipError('INTERNAL', 'A file’s recorded extents are shorter than the file.');
  return { data: out, sealed };
}

/** `length` bytes of a file from `offset`, decrypted, following its extents. */
async function readFileBytes(volume: BitLockerVolume, extents: FileExtents, offset: number, length: number): Promise<Buffer> {
  const out = Buffer.allocUnsafeSlow(length);
  for (const r of extentReads(extents, offset, length, volume.sectorSize)) (await volume.read(r.device, r.readLength)).copy(out, r.at, 0, r.take);
  return out;
}
