import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SeedshipError } from '../../../../shared/api/errors';
import { runText, runTool } from '../run-tool';

/** Quick-formats NTFS with mkntfs; the NTFS sector size is the volume's (BitLocker data unit). */
export async function formatNtfs(device: string, o: { sectorSize: number; label: string; signal?: AbortSignal }): Promise<void> {
  // -Q quick (no zeroing), -F allow an image file or a whole disk, -p 0: the volume starts at byte 0 of `device`.
  await runTool('mkntfs', ['-Q', '-F', '-q', '-p', '0', '-s', String(o.sectorSize), '-L', o.label, device], { signal: o.signal, timeoutMs: 600_000 });
}

/** Mounts NTFS with ntfs-3g (FUSE) at a fresh folder; `unmount` removes the folder again. */
export async function mountNtfs(device: string, o: { readOnly: boolean }): Promise<{ mountpoint: string; unmount: () => Promise<void> }> {
  const mountpoint = await mkdtemp(join(tmpdir(), 'seedship-ntfs-'));
  try {
    await runTool('ntfs-3g', ['-o', o.readOnly ? 'ro' : 'rw,big_writes', device, mountpoint], { timeoutMs: 60_000 });
  } catch (error) {
    await rm(mountpoint, { recursive: true, force: true });
    throw error;
  }
  let mounted = true;
  return {
    mountpoint,
    unmount: async () => {
      if (!mounted) return;
      // umount waits for ntfs-3g to flush its caches and write the volume's clean state.
      await runTool('umount', [mountpoint], { timeoutMs: 600_000 });
      mounted = false;
      await rm(mountpoint, { recursive: true, force: true });
    },
  };
}

export interface NtfsGeometry {
  sectorSize: number;
  clusterSize: number;
  clusters: number;
}

/** Cluster geometry from `ntfsinfo -m`. */
export async function readNtfsGeometry(device: string): Promise<NtfsGeometry> {
  const text = await runText('ntfsinfo', ['-m', device]);
  const field = (name: string) => {
    const match = new RegExp(`${name}:\\s*(\\d+)`).exec(text);
    if (!match?.[1]) throw new SeedshipError('INTERNAL', `ntfsinfo did not report "${name}" for ${device}.`);
    return Number(match[1]);
  };
  return { sectorSize: field('Sector Size'), clusterSize: field('Cluster Size'), clusters: field('Volume Size in Clusters') };
}

export interface ClusterRun {
  vcn: number;
  /** Undefined for a sparse hole. */
  lcn: number | undefined;
  length: number;
}

/** The runlist of a file's unnamed $DATA attribute, from `ntfsinfo -v -F`. */
export async function readFileRuns(device: string, path: string): Promise<ClusterRun[]> {
  return (await readFileInfo(device, path)).runs;
}

export interface NtfsFileInfo {
  /** The MFT record number of the file's base record. */
  record: number;
  /** Empty when the data is resident (inside the MFT record). */
  runs: ClusterRun[];
  resident: boolean;
  dataSize: number;
  /** Bytes readers take from the clusters; past it they see zeros (non-resident data only). */
  initializedSize: number;
}

/** MFT record number and unnamed $DATA attribute of a file, from `ntfsinfo -v -F`. */
export async function readFileInfo(device: string, path: string): Promise<NtfsFileInfo> {
  return parseFileInfo(await runText('ntfsinfo', ['-v', '-F', path, device]), path);
}

/**
 * Files' readFileInfo, every file's ntfsinfo run by one shell per FILES_PER_SHELL files: tens of
 * thousands of files would otherwise each cost a fork of this (large) process. A few shells run at
 * once (ntfsinfo only reads).
 */
export async function readFilesInfo(device: string, paths: readonly string[]): Promise<NtfsFileInfo[]> {
  // At least four shells when there are files for them: ntfsinfo is mostly its own start-up.
  const groups = groupsOf(paths, Math.max(1, Math.min(FILES_PER_SHELL, Math.ceil(paths.length / 4))));
  // Splits the output by file: no file name or ntfsinfo line can hold it.
  const mark = `@@seedship-${randomUUID()}@@ `;
  const texts: string[][] = new Array<string[]>(groups.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(4, groups.length) }, async () => {
      while (next < groups.length) {
        const i = next++;
        const group = groups[i] as string[];
        // Each file's output follows a line naming it; a failure names the file and stops.
        const script = `dev=$1; shift; for f; do printf '${mark}%s\n' "$f"; ntfsinfo -v -F "$f" "$dev" || { echo "ntfsinfo failed for $f" >&2; exit 1; }; done`;
        const out = await runText('sh', ['-c', script, 'sh', device, ...group]);
        texts[i] = out.split(mark).slice(1).map((section) => section.slice(section.indexOf('\n') + 1));
      }
    }),
  );
  const sections = texts.flat();
  if (sections.length !== paths.length) throw new SeedshipError('INTERNAL', `ntfsinfo reported ${sections.length} of ${paths.length} files on ${device}.`);
  return sections.map((text, i) => parseFileInfo(text, paths[i] as string));
}

/** Files per shell in the batched tool runs: far under the argument list's limit. */
const FILES_PER_SHELL = 256;

function groupsOf<T>(items: readonly T[], size: number): T[][] {
  const groups: T[][] = [];
  for (let i = 0; i < items.length; i += size) groups.push(items.slice(i, i + size));
  return groups;
}

function parseFileInfo(text: string, path: string): NtfsFileInfo {
  const record = /Dumping Inode (\d+)/.exec(text)?.[1];
  // A fragmented file's runs continue in extension records (an attribute list): one unnamed $DATA
  // section per record, each with its own slice of the runlist.
  const sections = text.split(/Dumping attribute /).filter((section) => section.startsWith('$DATA') && /Name length:\s+0 /.test(section));
  const data = sections[0];
  if (!data || record === undefined) throw new SeedshipError('INTERNAL', `ntfsinfo shows no data attribute for ${path}.`);
  const size = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(data)?.[1] ?? 0);
  if (/Resident:\s+Yes/.test(data)) return { record: Number(record), runs: [], resident: true, dataSize: size('Data size'), initializedSize: size('Data size') };
  const runs: ClusterRun[] = [];
  for (const match of sections.join('\n').matchAll(/^\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+|<HOLE>)\s+(0x[0-9a-f]+)\s*$/gim)) {
    const [, vcn, lcn, length] = match as unknown as [string, string, string, string];
    runs.push({ vcn: Number(vcn), lcn: lcn.startsWith('0x') ? Number(lcn) : undefined, length: Number(length) });
  }
  return { record: Number(record), runs, resident: false, dataSize: size('Data size'), initializedSize: size('Initialized size') };
}

/**
 * Allocates `bytes` of clusters to an existing (empty) file of an unmounted NTFS without writing
 * them: `ntfsfallocate` sets the data size and leaves the initialized size at 0 (see mft-record.ts).
 */
export async function allocateFiles(device: string, files: readonly { path: string; bytes: number }[], signal?: AbortSignal): Promise<void> {
  for (const group of groupsOf(files, FILES_PER_SHELL)) {
    const script = 'dev=$1; shift; while [ $# -gt 0 ]; do ntfsfallocate -l "$1" "$dev" "$2" >/dev/null || { echo "ntfsfallocate failed for $2" >&2; exit 1; }; shift 2; done';
    await runTool('sh', ['-c', script, 'sh', device, ...group.flatMap((f) => [String(f.bytes), f.path])], { signal, timeoutMs: 600_000 });
  }
}

/** The $Bitmap (MFT record 6): bit n set = cluster n in use. */
export async function readClusterBitmap(device: string): Promise<Buffer> {
  return (await runTool('ntfscat', ['-i', '6', device])).stdout;
}

/** `ntfsfix -n`: checks without changing anything; resolves with its report, rejects when it finds damage. */
export async function checkNtfs(device: string): Promise<string> {
  return runText('ntfsfix', ['-n', device]);
}
