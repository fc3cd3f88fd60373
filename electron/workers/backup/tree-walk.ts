import { constants, lstatSync, readdirSync } from 'node:fs';
import { basename, resolve, sep } from 'node:path';
import type { CompiledExclusions } from '../../../shared/backup/exclusions';

/** What a backup reads of an lstat: Node's BigIntStats, or the same fields sent from the walk worker. */
export interface FileStat {
  dev: bigint;
  ino: bigint;
  mode: bigint;
  nlink: bigint;
  uid: bigint;
  gid: bigint;
  size: bigint;
  blocks: bigint;
  atimeNs: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isBlockDevice(): boolean;
  isCharacterDevice(): boolean;
}

export type WalkItem =
  | { kind: 'entry'; absPath: string; path: string; stat: FileStat }
  | { kind: 'excluded'; absPath: string; rule: string }
  | { kind: 'problem'; absPath: string; reason: string };

export interface WalkSource {
  path: string;
  name: string;
}

/** Gives each source a unique top-level name in the snapshot: its base name, suffixed on clashes. */
export function nameSources(paths: readonly string[]): WalkSource[] {
  const used = new Set<string>();
  return paths.map((raw) => {
    const path = resolve(raw);
    const base = basename(path) || 'root';
    let name = base;
    for (let n = 2; used.has(name); n += 1) name = `${base}-${n}`;
    used.add(name);
    return { path, name };
  });
}

/** Why an errno stops a file or folder from being read, in the operator's words. */
export function readProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOENT':
      return 'it was deleted while the backup ran';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'ENAMETOOLONG':
      return 'the path is longer than the system allows';
    case 'EIO':
      return 'the disk reported a read error';
    default:
      return (error as Error).message;
  }
}

/**
 * Walks the sources depth first without following symbolic links; memory holds the names of one
 * folder at a time, never the whole tree. Excluded folders are pruned whole; `skip` holds paths
 * that must never be backed up (the staging location, the app's own data).
 */
export function* walkTree(sources: readonly WalkSource[], exclusions: CompiledExclusions, skip: readonly string[] = []): Generator<WalkItem> {
  const skipped = skip.map((p) => resolve(p));
  const isSkipped = (abs: string): boolean => skipped.some((s) => abs === s || abs.startsWith(s + sep));
  for (const source of sources) {
    let stat: FileStat;
    try {
      stat = lstatSync(source.path, { bigint: true });
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      yield { kind: 'problem', absPath: source.path, reason: missing ? 'it does not exist' : readProblem(error) };
      continue;
    }
    yield { kind: 'entry', absPath: source.path, path: source.name, stat };
    if (stat.isDirectory()) yield* walkFolder(source.path, source.name, exclusions, isSkipped);
  }
}

function* walkFolder(absDir: string, dir: string, exclusions: CompiledExclusions, isSkipped: (abs: string) => boolean): Generator<WalkItem> {
  let names: string[];
  let invalid: Set<string> | null;
  try {
    names = readdirSync(absDir);
    // A name that isn't valid UTF-8 comes back with U+FFFD in it: only then are the raw bytes read.
    invalid = names.some((name) => name.includes('\uFFFD')) ? namesNotUtf8(absDir) : null;
  } catch (error) {
    yield { kind: 'problem', absPath: absDir, reason: readProblem(error) };
    return;
  }
  // absDir is resolved (normalized): joining by hand is path.join's result without its cost per name.
  const prefix = absDir.endsWith(sep) ? absDir : absDir + sep;
  const folders: { abs: string; path: string }[] = [];
  for (const name of names) {
    const abs = prefix + name;
    if (invalid?.has(name)) {
      // Node's string paths can't name it, so it can't be opened faithfully: say so, skip it.
      yield { kind: 'problem', absPath: abs, reason: 'its name is not valid UTF-8, so it can’t be backed up; rename it' };
      continue;
    }
    if (isSkipped(abs)) {
      yield { kind: 'excluded', absPath: abs, rule: 'Seedship’s own data' };
      continue;
    }
    const rule = exclusions.match(abs);
    if (rule) {
      yield { kind: 'excluded', absPath: abs, rule };
      continue;
    }
    // Synchronous lstat: a cached inode answers in microseconds, while the promise form pays a
    // thread-pool round trip per file (a third of the scan's cost on trees of small files). The
    // backup loop yields to the event loop every few milliseconds, so the UI stays responsive.
    let stat: FileStat;
    try {
      stat = lstatSync(abs, { bigint: true });
    } catch (error) {
      yield { kind: 'problem', absPath: abs, reason: readProblem(error) };
      continue;
    }
    const path = `${dir}/${name}`;
    yield { kind: 'entry', absPath: abs, path, stat };
    if (stat.isDirectory()) folders.push({ abs, path });
  }
  // Subfolders after the folder's own entries: the open directory handle is closed before descending.
  for (const folder of folders) yield* walkFolder(folder.abs, folder.path, exclusions, isSkipped);
}

/** The names in a folder, as Node decodes them, whose bytes aren't valid UTF-8. */
function namesNotUtf8(absDir: string): Set<string> {
  const invalid = new Set<string>();
  for (const bytes of readdirSync(absDir, { encoding: 'buffer' })) {
    const name = bytes.toString('utf8');
    if (!Buffer.from(name, 'utf8').equals(bytes)) invalid.add(name);
  }
  return invalid;
}

/** Up to `size` items from the walk, and whether the walk is over. */
export function takeBatch<T>(items: Iterator<T>, size: number): { batch: T[]; done: boolean } {
  const batch: T[] = [];
  while (batch.length < size) {
    const next = items.next();
    if (next.done) return { batch, done: true };
    batch.push(next.value);
  }
  return { batch, done: false };
}

/** Number of BigInt slots a FileStat takes in a packed batch (see packStat). */
export const PACKED_STAT_SLOTS = 11;

/** Writes a stat's fields at `slot` of a batch buffer (one structured-clone-free transfer per batch). */
export function packStat(stat: FileStat, signed: BigInt64Array, unsigned: BigUint64Array, slot: number): void {
  const at = slot * PACKED_STAT_SLOTS;
  unsigned[at] = stat.dev;
  unsigned[at + 1] = stat.ino;
  unsigned[at + 2] = stat.mode;
  unsigned[at + 3] = stat.nlink;
  unsigned[at + 4] = stat.uid;
  unsigned[at + 5] = stat.gid;
  unsigned[at + 6] = stat.size;
  unsigned[at + 7] = stat.blocks;
  // Times can be before 1970: signed.
  signed[at + 8] = stat.atimeNs;
  signed[at + 9] = stat.mtimeNs;
  signed[at + 10] = stat.ctimeNs;
}

/** A FileStat read back from a packed batch. */
export class PackedStat implements FileStat {
  readonly dev: bigint;
  readonly ino: bigint;
  readonly mode: bigint;
  readonly nlink: bigint;
  readonly uid: bigint;
  readonly gid: bigint;
  readonly size: bigint;
  readonly blocks: bigint;
  readonly atimeNs: bigint;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;

  constructor(signed: BigInt64Array, unsigned: BigUint64Array, slot: number) {
    const at = slot * PACKED_STAT_SLOTS;
    this.dev = unsigned[at] as bigint;
    this.ino = unsigned[at + 1] as bigint;
    this.mode = unsigned[at + 2] as bigint;
    this.nlink = unsigned[at + 3] as bigint;
    this.uid = unsigned[at + 4] as bigint;
    this.gid = unsigned[at + 5] as bigint;
    this.size = unsigned[at + 6] as bigint;
    this.blocks = unsigned[at + 7] as bigint;
    this.atimeNs = signed[at + 8] as bigint;
    this.mtimeNs = signed[at + 9] as bigint;
    this.ctimeNs = signed[at + 10] as bigint;
  }

  private type(): number {
    return Number(this.mode) & constants.S_IFMT;
  }
  isFile(): boolean {
    return this.type() === constants.S_IFREG;
  }
  isDirectory(): boolean {
    return this.type() === constants.S_IFDIR;
  }
  isSymbolicLink(): boolean {
    return this.type() === constants.S_IFLNK;
  }
  isFIFO(): boolean {
    return this.type() === constants.S_IFIFO;
  }
  isSocket(): boolean {
    return this.type() === constants.S_IFSOCK;
  }
  isBlockDevice(): boolean {
    return this.type() === constants.S_IFBLK;
  }
  isCharacterDevice(): boolean {
    return this.type() === constants.S_IFCHR;
  }
}
