/**
 * Spanning: which staging files go on which drive. Whole files only (Import/Export copies each file
 * to one blob, and a blob can't come from two drives), at most `MAX_DRIVES_PER_JOB` drives. Files
 * are taken in path order and each goes on the first drive with room (first fit): the order is
 * stable, so a plan made again with the same drives gives the same answer.
 */
export interface SpanFile {
  path: string;
  bytes: number;
}

export interface SpanDrive {
  device: string;
  usableBytes: number;
}

export interface SpanResult {
  drives: { device: string; usableBytes: number; files: SpanFile[]; bytes: number }[];
  unplaced: SpanFile[];
  /** Files larger than the largest drive's room: no drive can take them. */
  tooLarge: SpanFile[];
}

/** First-fit in path order over the drives in the order given. */
export function planSpanning(files: readonly SpanFile[], drives: readonly SpanDrive[]): SpanResult {
  const out = drives.map((d) => ({ device: d.device, usableBytes: d.usableBytes, files: [] as SpanFile[], bytes: 0 }));
  const largest = Math.max(0, ...drives.map((d) => d.usableBytes));
  const unplaced: SpanFile[] = [];
  const tooLarge: SpanFile[] = [];
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    if (drives.length > 0 && file.bytes > largest) {
      tooLarge.push(file);
      continue;
    }
    const drive = out.find((d) => d.bytes + file.bytes <= d.usableBytes);
    if (!drive) {
      unplaced.push(file);
      continue;
    }
    drive.files.push(file);
    drive.bytes += file.bytes;
  }
  return { drives: out, unplaced, tooLarge };
}

/**
 * Room for files on a drive of `capacityBytes` before it is formatted: NTFS's $MFT, $LogFile and
 * cluster rounding, BitLocker's reserved areas and the manifest. A conservative estimate (about 4% +
 * 24 MiB); the engine measures the real free space once the drive is formatted.
 */
export function estimateUsableBytes(capacityBytes: number): number {
  return Math.max(0, Math.floor(capacityBytes * 0.96) - 24 * 1024 * 1024);
}
