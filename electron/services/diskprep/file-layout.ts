import { SeedshipError } from '../../../shared/api/errors';
import { type ClusterRun, readFilesInfo, readNtfsGeometry } from '../volume/ntfs/ntfs-tools';

/** Where a file's bytes sit on the volume, in file order: byte ranges of the plain NTFS. */
export interface FileExtents {
  /** Byte ranges on the volume; their lengths are whole clusters (the last may pass the file's end). */
  ranges: [offset: number, length: number][];
  /** The data lives inside its MFT record (small files): no ranges. */
  resident: boolean;
  /** For a resident file whose bytes disk prep writes itself (a tiny manifest): where its MFT record lies. */
  mftRecord?: { offset: number; size: number };
}

export type FileLayout = Record<string, FileExtents>;

/**
 * Reads, while the NTFS is still plain, where each file landed (ntfsinfo's data runs), so the
 * verify pass can read exactly those bytes back through the BitLocker reader after encryption.
 */
export async function readFileLayout(device: string, ntfsPaths: readonly string[]): Promise<FileLayout> {
  const { clusterSize } = await readNtfsGeometry(device);
  const infos = await readFilesInfo(device, ntfsPaths);
  const layout: FileLayout = {};
  ntfsPaths.forEach((path, i) => {
    const { runs } = infos[i] as { runs: ClusterRun[] };
    layout[path] = { ranges: clusterRanges(runs, clusterSize, () => `${path} has a sparse hole; copied files never do.`), resident: runs.length === 0 };
  });
  return layout;
}

/** A file's data runs as byte ranges of the volume, in file order, adjacent runs joined; a sparse hole is an error (`hole` words it). */
export function clusterRanges(runs: readonly ClusterRun[], clusterSize: number, hole: () => string): [number, number][] {
  const ranges: [number, number][] = [];
  for (const run of [...runs].sort((a, b) => a.vcn - b.vcn)) {
    if (run.lcn === undefined) throw new SeedshipError('INTERNAL', hole());
    const last = ranges.at(-1);
    const offset = run.lcn * clusterSize;
    const length = run.length * clusterSize;
    if (last && last[0] + last[1] === offset) last[1] += length;
    else ranges.push([offset, length]);
  }
  return ranges;
}
