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
  const text = await runText('ntfsinfo', ['-v', '-F', path, device]);
  // A fragmented file's runs continue in extension records (an attribute list): one unnamed $DATA
  // section per record, each with its own slice of the runlist.
  const sections = text.split(/Dumping attribute /).filter((section) => section.startsWith('$DATA') && /Name length:\s+0 /.test(section));
  const data = sections[0];
  if (!data) throw new SeedshipError('INTERNAL', `ntfsinfo shows no data attribute for ${path}.`);
  if (/Resident:\s+Yes/.test(data)) return [];
  const runs: ClusterRun[] = [];
  for (const match of sections.join('\n').matchAll(/^\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+|<HOLE>)\s+(0x[0-9a-f]+)\s*$/gim)) {
    const [, vcn, lcn, length] = match as unknown as [string, string, string, string];
    runs.push({ vcn: Number(vcn), lcn: lcn.startsWith('0x') ? Number(lcn) : undefined, length: Number(length) });
  }
  return runs;
}

/** The $Bitmap (MFT record 6): bit n set = cluster n in use. */
export async function readClusterBitmap(device: string): Promise<Buffer> {
  return (await runTool('ntfscat', ['-i', '6', device])).stdout;
}

/** `ntfsfix -n`: checks without changing anything; resolves with its report, rejects when it finds damage. */
export async function checkNtfs(device: string): Promise<string> {
  return runText('ntfsfix', ['-n', device]);
}
