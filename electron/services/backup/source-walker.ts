import type { BigIntStats } from 'node:fs';
import { lstatSync, readdirSync } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { basename, join, resolve, sep } from 'node:path';
import type { CompiledExclusions } from '../../../shared/backup/exclusions';

export type WalkItem =
  | { kind: 'entry'; absPath: string; path: string; stat: BigIntStats }
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
export async function* walkSources(sources: readonly WalkSource[], exclusions: CompiledExclusions, skip: readonly string[] = []): AsyncGenerator<WalkItem> {
  const skipped = skip.map((p) => resolve(p));
  const isSkipped = (abs: string): boolean => skipped.some((s) => abs === s || abs.startsWith(s + sep));
  for (const source of sources) {
    let stat: BigIntStats;
    try {
      stat = await lstat(source.path, { bigint: true });
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      yield { kind: 'problem', absPath: source.path, reason: missing ? 'it does not exist' : readProblem(error) };
      continue;
    }
    yield { kind: 'entry', absPath: source.path, path: source.name, stat };
    if (stat.isDirectory()) yield* walkFolder(source.path, source.name, exclusions, isSkipped);
  }
}

async function* walkFolder(absDir: string, dir: string, exclusions: CompiledExclusions, isSkipped: (abs: string) => boolean): AsyncGenerator<WalkItem> {
  let raw: Buffer[];
  try {
    raw = readdirSync(absDir, { encoding: 'buffer' });
  } catch (error) {
    yield { kind: 'problem', absPath: absDir, reason: readProblem(error) };
    return;
  }
  const folders: { abs: string; path: string }[] = [];
  for (const bytes of raw) {
    const name = bytes.toString('utf8');
    const abs = join(absDir, name);
    if (!Buffer.from(name, 'utf8').equals(bytes)) {
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
    let stat: BigIntStats;
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
