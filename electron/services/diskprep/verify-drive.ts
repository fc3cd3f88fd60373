import { createHash } from 'node:crypto';
import { SeedshipError } from '../../../shared/api/errors';
import { MANIFEST_BLOCK_BYTES } from '../../../shared/diskprep/diskprep-api';
import { BitLockerVolume } from '../volume/open-volume';
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
 * manifest; the hashing runs on the worker pool while the next blocks are read and decrypted.
 */
export async function verifyPreparedDrive(o: {
  device: string;
  recoveryPassword: string;
  layout: FileLayout;
  files: VerifyFile[];
  manifest: { ntfsPath: string; md5: string };
  pool: DiskPrepPool;
  signal?: AbortSignal;
  onBytes?: (doneBytes: number) => void;
}): Promise<VerifyDriveReport> {
  const volume = await BitLockerVolume.open(o.device, o.recoveryPassword);
  const report: VerifyDriveReport = { blocks: 0, bytes: 0, residentFiles: 0, mismatches: [] };
  try {
    if (!volume.fullyEncrypted) report.mismatches.push('the volume is not marked fully encrypted');
    for (const p of volume.metadataProblems) report.mismatches.push(`BitLocker metadata copy ${p.copy}: ${p.reason}`);
    const inFlight = new Set<Promise<void>>();
    const limit = o.pool.size * 2;
    for (const file of o.files) {
      const extents = o.layout[file.ntfsPath];
      if (!extents) throw new SeedshipError('INTERNAL', `No layout recorded for ${file.ntfsPath}.`);
      if (extents.resident) {
        report.residentFiles += 1;
        continue;
      }
      const blocks = Math.ceil(file.bytes / MANIFEST_BLOCK_BYTES);
      if (blocks !== file.blockHashes.length) report.mismatches.push(`${file.ntfsPath}: ${file.blockHashes.length} block hashes recorded for ${blocks} blocks`);
      for (let i = 0; i < blocks; i += 1) {
        throwIfAborted(o.signal);
        const start = i * MANIFEST_BLOCK_BYTES;
        const data = await readFileBytes(volume, extents, start, Math.min(MANIFEST_BLOCK_BYTES, file.bytes - start));
        const expected = file.blockHashes[i];
        const job = o.pool.md5(data).then(({ hash }) => {
          report.blocks += 1;
          report.bytes += data.length;
          o.onBytes?.(report.bytes);
          if (hash !== expected) report.mismatches.push(`${file.ntfsPath} block ${i} (offset ${start}): MD5 ${hash}, manifest ${expected ?? 'none'}`);
        });
        const tracked = job.finally(() => inFlight.delete(tracked));
        inFlight.add(tracked);
        if (inFlight.size >= limit) await Promise.race(inFlight);
      }
    }
    await Promise.all(inFlight);
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

/** `length` bytes of a file from `offset`, decrypted, following its extents. */
async function readFileBytes(volume: BitLockerVolume, extents: FileExtents, offset: number, length: number): Promise<Buffer> {
  const out = Buffer.allocUnsafeSlow(length);
  let fileAt = 0;
  let filled = 0;
  for (const [rangeOffset, rangeLength] of extents.ranges) {
    if (filled >= length) break;
    const rangeEnd = fileAt + rangeLength;
    const from = offset + filled;
    if (from < rangeEnd) {
      const within = from - fileAt;
      const take = Math.min(length - filled, rangeLength - within);
      const ss = volume.sectorSize;
      const readFrom = rangeOffset + within;
      const readLength = Math.ceil(take / ss) * ss;
      (await volume.read(readFrom, readLength)).copy(out, filled, 0, take);
      filled += take;
    }
    fileAt = rangeEnd;
  }
  if (filled !== length) throw new SeedshipError('INTERNAL', 'A file’s recorded extents are shorter than the file.');
  return out;
}
