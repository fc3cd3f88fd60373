import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SeedshipError } from '../../../../shared/api/errors';
import { METADATA_AREA_BYTES, VOLUME_HEADER_BYTES } from '../bitlocker/constants';
import { readFileRuns } from './ntfs-tools';

/**
 * The files Windows creates so NTFS never allocates the space BitLocker uses (libbde "Metadata
 * files, Windows 7"): FVE2.{GUID}.1-3 hold the three 64 KiB metadata copies and FVE2.{GUID} the
 * encrypted copy of the relocated boot area. The GUID is the fixed one Windows uses.
 */
export const RESERVED_DIR = 'System Volume Information';
const STEM = 'FVE2.{e40ad34d-dae9-4bc7-95bd-b16218c10f72}';
export const METADATA_FILES = [`${STEM}.1`, `${STEM}.2`, `${STEM}.3`] as const;
export const VOLUME_HEADER_FILE = STEM;

/** Creates the reserved files (zero-filled, fully allocated) on a mounted NTFS. Do it before copying data, so each lands in one run. */
export async function createReservedFiles(mountpoint: string): Promise<void> {
  const dir = join(mountpoint, RESERVED_DIR);
  await mkdir(dir, { recursive: true });
  for (const name of METADATA_FILES) await writeFile(join(dir, name), Buffer.alloc(METADATA_AREA_BYTES));
  await writeFile(join(dir, VOLUME_HEADER_FILE), Buffer.alloc(VOLUME_HEADER_BYTES));
}

export interface ReservedAreas {
  /** Byte offsets of the three metadata areas. */
  metadataOffsets: [number, number, number];
  /** Byte offset of the relocated boot area. */
  volumeHeaderOffset: number;
}

/** Finds where the reserved files landed; each must be one contiguous, allocated run. */
export async function locateReservedAreas(device: string, clusterSize: number): Promise<ReservedAreas> {
  const offsetOf = async (name: string, bytes: number) => {
    const path = `/${RESERVED_DIR}/${name}`;
    const runs = await readFileRuns(device, path);
    const first = runs[0];
    if (runs.length !== 1 || first?.lcn === undefined || first.length * clusterSize < bytes) {
      throw new SeedshipError('INTERNAL', `${path} is not one contiguous allocated run (${runs.length} runs); BitLocker needs it in one piece.`);
    }
    return first.lcn * clusterSize;
  };
  const [a, b, c] = await Promise.all(METADATA_FILES.map((name) => offsetOf(name, METADATA_AREA_BYTES)));
  return { metadataOffsets: [a as number, b as number, c as number], volumeHeaderOffset: await offsetOf(VOLUME_HEADER_FILE, VOLUME_HEADER_BYTES) };
}
