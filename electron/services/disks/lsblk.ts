import { z } from 'zod';
import { runCommand } from '../system/run-command';

const flag = z.union([z.boolean(), z.string(), z.number()]).transform((v) => v === true || v === '1' || v === 1);
const nullableString = z.string().nullish().transform((v) => (v && v.trim() !== '' ? v.trim() : null));

interface LsblkNodeRaw {
  name: string;
  path: string;
  type: string;
  size: number | string | null;
  ro: boolean;
  rm: boolean;
  hotplug: boolean;
  tran: string | null;
  model: string | null;
  serial: string | null;
  mountpoints: (string | null)[];
  'log-sec': number | string | null;
  children?: LsblkNodeRaw[];
}

const LsblkNodeSchema: z.ZodType<LsblkNodeRaw> = z.lazy(() =>
  z.object({
    name: z.string(),
    path: z.string(),
    type: z.string(),
    size: z.union([z.number(), z.string()]).nullable(),
    ro: flag,
    rm: flag,
    hotplug: flag,
    tran: nullableString,
    model: nullableString,
    serial: nullableString,
    mountpoints: z.array(z.string().nullable()).nullish().transform((m) => m ?? []),
    'log-sec': z.union([z.number(), z.string()]).nullable(),
    children: z.array(LsblkNodeSchema).optional(),
  }),
) as unknown as z.ZodType<LsblkNodeRaw>;

const LsblkOutputSchema = z.object({ blockdevices: z.array(LsblkNodeSchema) });

/** A whole block device from lsblk, with the mount points of its partitions folded in. */
export interface LsblkDisk {
  name: string;
  path: string;
  type: string;
  sizeBytes: number;
  readOnly: boolean;
  removable: boolean;
  hotplug: boolean;
  transport: string | null;
  model: string | null;
  serial: string | null;
  logicalSectorSize: number;
  mountpoints: string[];
}

export const LSBLK_COLUMNS = 'NAME,PATH,TYPE,SIZE,RO,RM,HOTPLUG,TRAN,MODEL,SERIAL,MOUNTPOINTS,LOG-SEC';

/** Parses `lsblk --json --bytes --output LSBLK_COLUMNS` (tree form) into whole disks. */
export function parseLsblk(json: string): LsblkDisk[] {
  const parsed = LsblkOutputSchema.parse(JSON.parse(json));
  return parsed.blockdevices.map((node) => ({
    name: node.name,
    path: node.path,
    type: node.type,
    sizeBytes: toNumber(node.size),
    readOnly: node.ro,
    removable: node.rm,
    hotplug: node.hotplug,
    transport: node.tran,
    model: node.model,
    serial: node.serial,
    logicalSectorSize: toNumber(node['log-sec']) || 512,
    mountpoints: collectMountpoints(node),
  }));
}

function collectMountpoints(node: LsblkNodeRaw): string[] {
  const own = node.mountpoints.filter((m): m is string => typeof m === 'string' && m !== '');
  return [...own, ...(node.children ?? []).flatMap(collectMountpoints)];
}

function toNumber(value: number | string | null): number {
  if (value === null) return 0;
  const n = typeof value === 'number' ? value : Number.parseInt(value, 10);
  return Number.isFinite(n) ? n : 0;
}

/** Lists whole block devices (attached loop devices included) via lsblk. Linux only. */
export async function readLsblk(): Promise<LsblkDisk[]> {
  const { stdout } = await runCommand('lsblk', ['--json', '--bytes', '--output', LSBLK_COLUMNS]);
  return parseLsblk(stdout);
}

const LosetupSchema = z.object({
  loopdevices: z.array(z.object({ name: z.string(), 'back-file': z.string().nullish(), ro: flag.optional() })),
});

/** Maps each attached loop device to the file behind it (`losetup --json --list`). */
export function parseLosetup(json: string): Map<string, string> {
  if (json.trim() === '') return new Map();
  const parsed = LosetupSchema.parse(JSON.parse(json));
  return new Map(parsed.loopdevices.map((d) => [d.name, (d['back-file'] ?? '').replace(/ \(deleted\)$/, '')]));
}

export async function readLoopBackingFiles(): Promise<Map<string, string>> {
  try {
    const { stdout } = await runCommand('losetup', ['--json', '--list']);
    return parseLosetup(stdout);
  } catch {
    return new Map();
  }
}
