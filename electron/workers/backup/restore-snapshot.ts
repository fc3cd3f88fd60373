import { closeSync, existsSync, ftruncateSync, lchownSync, lutimesSync, mkdirSync, chmodSync, chownSync, linkSync, openSync, symlinkSync, utimesSync, writeSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { ChunkIndex } from './chunk-index';
import { isAllZero } from './segment-chunker';
import type { RepositoryKeys } from './chunk-crypto';
import { listSnapshots, parseTreeBlob, readSnapshot, type SnapshotDocument, type TreeEntry } from './snapshot-format';

export interface RestoreRequest {
  repoDir: string;
  keys: RepositoryKeys;
  /** Latest snapshot when absent. */
  snapshotId?: string;
  to: string;
  /** Snapshot paths (files or folders) to bring back; everything when absent. */
  paths?: string[];
}

export interface RestoreProgress {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  currentFile: string | null;
}

export interface RestoreHooks {
  onProgress(progress: RestoreProgress): void;
  onWarning(path: string, reason: string): void;
  cancelled(): boolean;
}

export interface RestoreResult {
  snapshotId: string;
  files: number;
  bytes: number;
}

/** Opens a snapshot and reads all its entries from the tree blobs. */
export async function loadSnapshot(repoDir: string, keys: RepositoryKeys, snapshotId?: string): Promise<{ snapshot: SnapshotDocument; index: ChunkIndex; entries: TreeEntry[] }> {
  let snapshot: SnapshotDocument;
  if (snapshotId) snapshot = await readSnapshot(repoDir, keys, snapshotId);
  else {
    const all = await listSnapshots(repoDir, keys);
    const latest = all[all.length - 1];
    if (!latest) throw new Error('This staging location holds no finished backup yet.');
    snapshot = latest;
  }
  const index = await ChunkIndex.load(repoDir, keys);
  const entries = snapshot.tree.flatMap((id) => parseTreeBlob(index.read(id)));
  return { snapshot, index, entries };
}

function selected(path: string, paths: readonly string[] | undefined): boolean {
  if (!paths || paths.length === 0) return true;
  return paths.some((p) => path === p || path.startsWith(`${p}/`));
}

/**
 * Seconds as a double, fs.utimes' unit. A double holds today's dates to about 0.25 µs, so times
 * are aimed at the middle of their microsecond: they come back exact to the microsecond.
 */
function seconds(ns: string): number {
  const micros = BigInt(ns) / 1000n;
  return Number(micros / 1_000_000n) + (Number(micros % 1_000_000n) * 1000 + 500) / 1e9;
}

/**
 * Brings a snapshot (or chosen paths) back under `to`, bit for bit, with modes, owners (when run
 * as root) and times. Existing files are never overwritten: they are reported and skipped.
 * Synchronous I/O on purpose: this runs in a worker thread.
 */
export async function restoreSnapshot(request: RestoreRequest, hooks: RestoreHooks): Promise<RestoreResult> {
  const { snapshot, index, entries } = await loadSnapshot(request.repoDir, request.keys, request.snapshotId);
  const root = resolve(request.to);
  const chosen = entries.filter((e) => selected(e.path, request.paths));
  if (request.paths && request.paths.length > 0 && chosen.length === 0) throw new Error(`None of ${request.paths.join(', ')} is in snapshot ${snapshot.id}.`);
  const files = chosen.filter((e) => e.type === 'file' || e.type === 'hardlink');
  const progress: RestoreProgress = { filesDone: 0, filesTotal: files.length, bytesDone: 0, bytesTotal: files.reduce((n, e) => n + (e.type === 'file' ? e.size : 0), 0), currentFile: null };
  const asRoot = process.getuid?.() === 0;
  const dirs: TreeEntry[] = [];
  const later: TreeEntry[] = [];
  let lastReport = 0;
  const report = (force = false) => {
    const now = Date.now();
    if (force || now - lastReport > 200) {
      lastReport = now;
      hooks.onProgress({ ...progress });
    }
  };
  const target = (path: string) => {
    const full = join(root, ...path.split('/'));
    if (full !== root && !full.startsWith(root + sep)) throw new Error(`Refusing "${path}": it would land outside ${root}.`);
    return full;
  };

  try {
    mkdirSync(root, { recursive: true });
    // Path order puts every folder before what it holds.
    for (const entry of chosen.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
      if (hooks.cancelled()) throw Object.assign(new Error('The restore was cancelled.'), { code: 'CANCELLED' });
      const full = target(entry.path);
      mkdirSync(dirname(full), { recursive: true });
      switch (entry.type) {
        case 'dir':
          mkdirSync(full, { recursive: true });
          dirs.push(entry);
          break;
        case 'file':
          progress.currentFile = entry.path;
          if (existsSync(full)) {
            hooks.onWarning(entry.path, 'a file of that name already exists in the restore folder: not overwritten');
            progress.filesDone += 1;
            progress.bytesDone += entry.size;
            break;
          }
          restoreFile(entry, full, index, (bytes) => {
            progress.bytesDone += bytes;
            report();
          });
          applyMetadata(entry, full, asRoot, hooks);
          progress.filesDone += 1;
          report();
          break;
        case 'symlink':
          try {
            symlinkSync(entry.target ?? '', full);
            if (asRoot) lchownSync(full, entry.uid, entry.gid);
            lutimesSync(full, seconds(entry.atimeNs), seconds(entry.mtimeNs));
          } catch (error) {
            hooks.onWarning(entry.path, (error as Error).message);
          }
          break;
        case 'hardlink':
          later.push(entry);
          break;
        case 'special':
          hooks.onWarning(entry.path, `a ${entry.kind ?? 'special file'} was recorded but has no contents to restore`);
          break;
      }
    }
    // Hard links after all files: their first name may sort after them.
    for (const entry of later) {
      const full = target(entry.path);
      const first = entry.linkTo ? target(entry.linkTo) : null;
      try {
        if (first && existsSync(first)) linkSync(first, full);
        else hooks.onWarning(entry.path, `a hard link to ${entry.linkTo ?? '?'}, which is not part of this restore`);
      } catch (error) {
        hooks.onWarning(entry.path, (error as Error).message);
      }
      progress.filesDone += 1;
    }
    // Folder times last, deepest first: creating their contents changed them.
    for (const entry of dirs.reverse()) applyMetadata(entry, target(entry.path), asRoot, hooks);
    progress.currentFile = null;
    report(true);
    return { snapshotId: snapshot.id, files: progress.filesDone, bytes: progress.bytesDone };
  } finally {
    index.close();
  }
}

function restoreFile(entry: TreeEntry, full: string, index: ChunkIndex, onBytes: (n: number) => void): void {
  const fd = openSync(full, 'wx', 0o600);
  try {
    const zero = new Set(entry.zero ?? []);
    let position = 0;
    const chunks = entry.chunks ?? [];
    for (let i = 0; i < chunks.length; i += 1) {
      const size = entry.sizes?.[i] ?? 0;
      // Zero chunks of a sparse file stay holes: the file keeps its shape and its disk footprint.
      if (entry.sparse && zero.has(i)) {
        position += size;
        onBytes(size);
        continue;
      }
      const data = index.read(chunks[i] as string);
      if (entry.sparse) writeSkippingZeros(fd, data, position);
      else writeAll(fd, data, position);
      position += data.length;
      onBytes(data.length);
    }
    ftruncateSync(fd, entry.size);
  } finally {
    closeSync(fd);
  }
}

function writeAll(fd: number, data: Buffer, position: number): void {
  let written = 0;
  while (written < data.length) written += writeSync(fd, data, written, data.length - written, position + written);
}

const HOLE_BLOCK = 64 * 1024;

/** Sparse files: zero runs inside a chunk stay holes too (chunks around data carry zeros). */
function writeSkippingZeros(fd: number, data: Buffer, position: number): void {
  for (let offset = 0; offset < data.length; offset += HOLE_BLOCK) {
    const block = data.subarray(offset, Math.min(offset + HOLE_BLOCK, data.length));
    if (!isAllZero(block)) writeAll(fd, block, position + offset);
  }
}

function applyMetadata(entry: TreeEntry, full: string, asRoot: boolean, hooks: RestoreHooks): void {
  try {
    if (asRoot) chownSync(full, entry.uid, entry.gid);
    chmodSync(full, entry.mode);
    utimesSync(full, seconds(entry.atimeNs), seconds(entry.mtimeNs));
  } catch (error) {
    hooks.onWarning(entry.path, `restored, but its owner, permissions or times could not be set: ${(error as Error).message}`);
  }
}
