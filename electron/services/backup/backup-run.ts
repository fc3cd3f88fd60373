import { randomUUID } from 'node:crypto';
import { lstat, readlink } from 'node:fs/promises';
import { availableParallelism, hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { SeedshipError } from '../../../shared/api/errors';
import type { ExclusionRules } from '../../../shared/backup/exclusions';
import { MAX_TASK_WARNINGS, type TaskWarning } from '../../../shared/tasks/task-record';
import { packChunk } from '../../workers/backup/chunk-compression';
import { chunkId, sealChunk } from '../../workers/backup/chunk-crypto';
import { PACK_TARGET_BYTES, PackWriter } from '../../workers/backup/pack-file';
import { PROTOCOL_VERSION, SEGMENT_BYTES, type PackedChunk, type Segment } from '../../workers/backup/protocol';
import { TreeBlobBuilder, writeSnapshot, type TreeEntry } from '../../workers/backup/snapshot-format';
import { parentOf, type Catalog, type CatalogRow, type FileIdentity, type PreviousEntry } from './catalog';
import { InOrder } from './in-order';
import { CatalogCheckpointer, CHECKPOINT_EVERY_MS } from './catalog-checkpointer';
import { reconcileCatalog } from './catalog-reconcile';
import { ChunkWorkerPool, type SegmentResult } from './chunk-worker-pool';
import type { OpenRepository } from './repository';
import { nameSources, readProblem, startWalk, type FileStat } from './source-walker';

export interface BackupProgress {
  filesDone: number;
  filesTotal: number | null;
  bytesDone: number;
  bytesTotal: number | null;
  bytesWritten: number;
  currentFile: string | null;
}

export interface BackupRunOptions {
  repo: OpenRepository;
  catalog: Catalog;
  sources: readonly string[];
  exclusions: ExclusionRules;
  jobName: string | null;
  /** The built chunk worker (dist/workers/backup-worker.mjs). */
  workerEntry: string;
  workers?: number;
  /** Paths never backed up even when inside a source: staging, the app's data folder. */
  skip: readonly string[];
  signal: AbortSignal;
  onProgress(progress: BackupProgress): void;
  /** What the wizard's estimate found, for an ETA from the start; exact totals follow the walk. */
  expectedTotals?: { files: number; bytes: number } | null;
  /** Each item that needs the operator's attention, as it is found. */
  onWarning?(path: string, reason: string): void;
  /** Packs stored in the vault rather than in this folder (after clean-up): their chunks count as stored. */
  remotePacks?: ReadonlySet<string>;
}

export interface BackupResult {
  snapshotId: string;
  files: number;
  dirs: number;
  /** Bytes of the files in the snapshot. */
  bytes: number;
  /** Bytes actually read (unchanged files are not). */
  bytesRead: number;
  bytesWritten: number;
  /** Files taken from the previous snapshot without reading them (unchanged size, times, inode). */
  unchangedFiles: number;
  excluded: number;
  warnings: TaskWarning[];
  warningCount: number;
}

/** Longest stretch of scanning without letting the event loop run. */
const YIELD_MS = 8;
/** Rows reach SQLite in transactions of this many: one transaction per file would dominate. */
const CATALOG_BATCH = 250;

/**
 * One backup of the sources into the staging repository. The scan runs here (async I/O), the
 * reading, chunking, compression and encryption in one worker per core; this thread only answers
 * claims and records results, so the UI stays responsive. Nothing becomes part of a snapshot until
 * every pack holding its chunks is complete on disk, so a crash or cancel leaves staging consistent.
 */
export async function runBackup(options: BackupRunOptions): Promise<BackupResult> {
  const { repo, catalog, signal } = options;
  const sources = nameSources(options.sources);
  // The walk's worker boots while the catalog is reconciled with staging.
  const walk = startWalk(join(dirname(options.workerEntry), 'walk-worker.mjs'), sources, options.exclusions, options.skip);
  let reconciled: Awaited<ReturnType<typeof reconcileCatalog>>;
  let previous: ReturnType<Catalog['latestSnapshot']>;
  const snapshotId = randomUUID();
  try {
    reconciled = await reconcileCatalog(catalog, repo.dir, repo.keys, options.remotePacks);
    previous = catalog.latestSnapshot();
    catalog.beginSnapshot(snapshotId, sources.map((s) => s.path), options.jobName);
  } catch (error) {
    await walk.stop();
    throw error;
  }
  catalog.beginBulkWrites();
  const checkpointer = new CatalogCheckpointer(catalog.path, join(dirname(options.workerEntry), 'catalog-checkpoint-worker.mjs'), () => catalog.checkpoint());

  const progress: BackupProgress = { filesDone: 0, filesTotal: null, bytesDone: 0, bytesTotal: null, bytesWritten: 0, currentFile: null };
  const report = () => options.onProgress({ ...progress });
  const warnings: TaskWarning[] = [];
  let warningCount = 0;
  const warn = (path: string, reason: string) => {
    options.onWarning?.(path, reason);
    warningCount += 1;
    if (warnings.length < MAX_TASK_WARNINGS) warnings.push({ path, reason });
  };

  let bytesRead = 0;
  // Chunks stored by this run, by id: the catalog knows the ones from earlier runs.
  const claimed = new Set<string>();
  // Into empty staging (the initial backup) every chunk is new: no lookup per chunk.
  const stored = catalog.hasChunks() ? (id: string) => catalog.hasChunk(id) : () => false;
  const packRecorder = new PackRecorder(catalog);
  const pool = new ChunkWorkerPool({
    entry: options.workerEntry,
    count: options.workers ?? defaultWorkerCount(),
    init: { protocol: PROTOCOL_VERSION, encryptionKey: repo.keys.encryption, identityKey: repo.keys.identity, repoDir: repo.dir, chunker: repo.config.chunker, packTargetBytes: PACK_TARGET_BYTES, holdPacks: repo.saved !== undefined },
    claim: (id) => {
      if (claimed.has(id) || stored(id)) return false;
      claimed.add(id);
      return true;
    },
    onPack: (packId, size, entries) => {
      packRecorder.add(packId, size, entries);
      progress.bytesWritten += size;
    },
    onBytes: (bytes) => {
      progress.bytesDone += bytes;
      bytesRead += bytes;
    },
  });

  // A new repository's config (its wrapped keys) is being saved while the backup starts: packs stay
  // temporary until it is, so a crash meanwhile leaves nothing that needs keys nobody kept.
  repo.saved?.then(
    () => pool.releasePacks(null),
    (error: unknown) => pool.releasePacks(`Saving the new repository's settings failed: ${(error as Error).message}`),
  );

  // Entries go to the catalog (for the next backup) and, as JSON lines, straight
  // into the snapshot's tree blobs, so nothing is read back at the end.
  const tree = new TreeWriter(options, claimed, stored, (size) => {
    progress.bytesWritten += size;
  });
  const rows: CatalogRow[] = [];
  // Entries are recorded in walk order, whatever order their files finish in: an unchanged tree
  // gives the same tree blobs, so the next backup of it stores none.
  const inOrder = new InOrder<CatalogRow>((row) => {
    rows.push(row);
    if (rows.length >= CATALOG_BATCH) catalog.addEntries(snapshotId, rows.splice(0));
    tree.add(row.json);
  });
  const rowOf = (path: string, type: string, json: string, identity: FileIdentity, copyOf?: number): CatalogRow => (copyOf === undefined ? { path, type, json, identity } : { path, type, json, identity, copyOf });
  const recordJson = (path: string, type: string, json: string, identity: FileIdentity, copyOf?: number) => inOrder.fill(inOrder.reserve(), rowOf(path, type, json, identity, copyOf));
  const record = (entry: TreeEntry, identity: FileIdentity) => recordJson(entry.path, entry.type, JSON.stringify(entry), identity);
  // The previous snapshot's rows of the folder being walked (the walk finishes a folder's own
  // entries before it descends, so one query per folder serves all of them).
  let folder: { dir: string; rows: Map<string, PreviousEntry> } | null = null;
  const previousEntry = (path: string): PreviousEntry | undefined => {
    if (!previous) return undefined;
    const dir = parentOf(path);
    if (folder?.dir !== dir) folder = { dir, rows: catalog.folder(dir, snapshotId) };
    return folder.rows.get(path);
  };
  // Chunks of the previous snapshot are all still stored unless staging lost packs since.
  const chunksMayBeMissing = reconciled.forgotten > 0;
  const stats = { files: 0, dirs: 0, bytes: 0, unchangedFiles: 0, excluded: 0 };
  // Totals for the ETA: the caller's estimate or the last snapshot's size until the walk, which runs
  // ahead of the reading, has seen everything (a second walk just to count would cost a full scan).
  const expected = options.expectedTotals ?? (previous ? { files: previous.files, bytes: previous.bytes } : null);
  progress.filesTotal = expected?.files ?? null;
  progress.bytesTotal = expected?.bytes ?? null;
  const seen = { files: 0, bytes: 0 };
  const ticker = setInterval(report, 250);
  // A commit that fails (a full disk) fails the run at its next step, not as an uncaught error.
  let commitFailure: unknown = null;
  const checkpoint = () => {
    try {
      catalog.commitBulkWrites();
      checkpointer.kick();
    } catch (error) {
      commitFailure ??= error;
    }
  };
  const checkpoints = setInterval(checkpoint, CHECKPOINT_EVERY_MS);
  let seq = 0;
  const inFlight = new Set<Promise<void>>();
  const hardLinks = new Map<string, string>();

  try {
    let lastYield = performance.now();
    walk: for await (const batch of walk.batches) for (const item of batch) {
      if (signal.aborted) break walk;
      // The walk is synchronous underneath: give the event loop (the UI, progress events) a turn
      // every few milliseconds.
      if (performance.now() - lastYield > YIELD_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
      if (item.kind === 'excluded') {
        stats.excluded += 1;
        continue;
      }
      if (item.kind === 'problem') {
        warn(item.absPath, item.reason);
        continue;
      }
      const { stat, path, absPath } = item;
      const identity = identityOf(stat);
      // Built only for entries that need it: an unchanged file reuses its recorded entry as it is.
      const base = (): Omit<TreeEntry, 'type' | 'size'> => baseEntry(path, stat);
      if (stat.isDirectory()) {
        stats.dirs += 1;
        record({ ...base(), type: 'dir', size: 0 }, identity);
      } else if (stat.isSymbolicLink()) {
        try {
          record({ ...base(), type: 'symlink', size: 0, target: await readlink(absPath) }, identity);
        } catch (error) {
          warn(absPath, readProblem(error));
        }
      } else if (stat.isFile()) {
        seen.files += 1;
        seen.bytes += Number(stat.size);
        const inode = `${stat.dev}:${stat.ino}`;
        const firstName = stat.nlink > 1n ? hardLinks.get(inode) : undefined;
        if (firstName) {
          record({ ...base(), type: 'hardlink', size: Number(stat.size), linkTo: firstName }, identity);
          stats.files += 1;
          progress.filesDone += 1;
          continue;
        }
        const before = previousEntry(path);
        const unchanged = reusable(before, identity, chunksMayBeMissing ? catalog : null);
        if (unchanged && before) {
          if (stat.nlink > 1n) hardLinks.set(inode, path);
          recordJson(path, 'file', unchanged, identity, before.rowid);
          stats.files += 1;
          stats.unchangedFiles += 1;
          stats.bytes += Number(stat.size);
          progress.filesDone += 1;
          progress.bytesDone += Number(stat.size);
          continue;
        }
        // Claim the inode before the contents are read, so later names of it become hard links.
        if (stat.nlink > 1n) hardLinks.set(inode, path);
        progress.currentFile = absPath;
        await pool.capacity();
        const slot = inOrder.reserve();
        const job = backUpFile(absPath, stat, () => (seq += 1))
          .then((result) => {
            if (result.error) {
              inOrder.fill(slot, null);
              warn(absPath, result.error);
              if (stat.nlink > 1n) hardLinks.delete(inode);
              return;
            }
            if (result.changed) warn(absPath, 'it changed while it was being read (twice): the backup holds the bytes as they were read');
            const entry: TreeEntry = { ...base(), type: 'file', size: result.size, chunks: result.chunks, sizes: result.sizes };
            if (result.zero.length > 0) entry.zero = result.zero;
            if (stat.blocks * 512n < stat.size) entry.sparse = true;
            inOrder.fill(slot, rowOf(entry.path, entry.type, JSON.stringify(entry), { ...identity, size: result.size }));
            stats.files += 1;
            stats.bytes += result.size;
            progress.filesDone += 1;
          })
          .finally(() => inFlight.delete(job));
        inFlight.add(job);
      } else {
        const kind = stat.isFIFO() ? 'named pipe (FIFO)' : stat.isSocket() ? 'socket' : stat.isBlockDevice() ? 'block device' : 'character device';
        record({ ...base(), type: 'special', size: 0, kind }, identity);
        warn(absPath, `a ${kind}: recorded, its contents are not backed up`);
      }
    }
    // The walk is over: the totals are now exact.
    progress.filesTotal = seen.files;
    progress.bytesTotal = seen.bytes;
    // Fold the log in while the last files are stored, so the final checkpoint has little left
    // (with nothing left to store, the final checkpoint does it all: on a worker booting meanwhile
    // if the log is large, else on this thread).
    if (inFlight.size > 0) checkpoint();
    else checkpointer.prepare();
    await Promise.all(inFlight);
    if (commitFailure) throw commitFailure;
    if (signal.aborted) throw new SeedshipError('CANCELLED', 'The backup was cancelled: staging holds only complete packs, and the next backup reuses them.');
    await pool.flush();
    await packRecorder.drained();
    if (inOrder.pending > 0) throw new SeedshipError('INTERNAL', `${inOrder.pending} entries were never recorded.`);
    catalog.addEntries(snapshotId, rows.splice(0));
    await repo.saved;
    const treeIds = await tree.finish();
    await writeSnapshot(repo.dir, repo.keys, {
      version: 1,
      id: snapshotId,
      createdAt: new Date().toISOString(),
      hostname: hostname(),
      jobName: options.jobName,
      sources: sources.map((s) => ({ path: s.path, name: s.name })),
      tree: treeIds,
      stats: { files: stats.files, dirs: stats.dirs, bytes: stats.bytes, bytesWritten: progress.bytesWritten, warnings: warningCount },
    });
    catalog.completeSnapshot(snapshotId, { files: stats.files, bytes: stats.bytes, bytesWritten: progress.bytesWritten });
    progress.currentFile = null;
    report();
    return { snapshotId, ...stats, bytesRead, bytesWritten: progress.bytesWritten, warnings, warningCount };
  } catch (error) {
    await pool.abort().catch(() => undefined);
    await tree.abort().catch(() => undefined);
    for (const job of inFlight) job.catch(() => undefined);
    catalog.removeUnfinishedSnapshots();
    throw error;
  } finally {
    clearInterval(ticker);
    clearInterval(checkpoints);
    await walk.stop();
    await pool.close();
    try {
      catalog.endBulkWrites();
    } finally {
      await checkpointer.finish();
    }
  }

  /** Reads a file through the workers, segment by segment; one retry if it changed meanwhile. */
  async function backUpFile(absPath: string, stat: FileStat, nextSeq: () => number): Promise<{ chunks: string[]; sizes: number[]; zero: number[]; size: number; changed: boolean; error: string | null }> {
    let current: FileStat = stat;
    for (let attempt = 1; ; attempt += 1) {
      const size = Number(current.size);
      const expect = { size, mtimeNs: current.mtimeNs.toString(), ctimeNs: current.ctimeNs.toString() };
      const segments: Segment[] = [];
      for (let offset = 0; offset < size || segments.length === 0; offset += SEGMENT_BYTES) {
        segments.push({ seq: nextSeq(), path: absPath, offset, length: Math.min(SEGMENT_BYTES, size - offset), expect });
      }
      const results: Promise<SegmentResult>[] = [];
      for (const segment of segments) {
        if (results.length > 0) await pool.capacity();
        results.push(pool.submit(segment));
      }
      const done = await Promise.all(results);
      const failed = done.find((r) => r.error);
      if (failed?.error) return { chunks: [], sizes: [], zero: [], size: 0, changed: false, error: readProblem(Object.assign(new Error(failed.error.message), { code: failed.error.code })) };
      const changed = done.some((r) => r.changed);
      if (changed && attempt === 1 && !signal.aborted) {
        try {
          current = await lstat(absPath, { bigint: true });
          continue;
        } catch (error) {
          return { chunks: [], sizes: [], zero: [], size: 0, changed: false, error: readProblem(error) };
        }
      }
      const chunks = done.flatMap((r) => r.chunks);
      const sizes = done.flatMap((r) => r.sizes);
      const zero: number[] = [];
      done.flatMap((r) => r.zero).forEach((z, i) => {
        if (z) zero.push(i);
      });
      return { chunks, sizes, zero, size: sizes.reduce((a, b) => a + b, 0), changed, error: null };
    }
  }
}

/** One chunk worker per core; SEEDSHIP_BACKUP_WORKERS overrides it (tuning, shared machines). */
function defaultWorkerCount(): number {
  const override = Number(process.env.SEEDSHIP_BACKUP_WORKERS);
  return Number.isInteger(override) && override > 0 && override <= 64 ? override : Math.max(1, availableParallelism());
}

/**
 * Records finished packs in the catalog a slice at a time, between other work: a pack of small
 * files lists thousands of chunks, and one transaction for all of them would hold up the event
 * loop. Deduplication doesn't wait for it (the run's own claims cover its chunks), and the snapshot
 * is written only after `drained`.
 */
class PackRecorder {
  private readonly queue: { packId: string; size: number; entries: PackedChunk[] }[] = [];
  private running: Promise<void> | null = null;

  constructor(private readonly catalog: Catalog) {}

  add(packId: string, size: number, entries: PackedChunk[]): void {
    this.queue.push({ packId, size, entries });
    this.running ??= this.drain().finally(() => {
      this.running = null;
    });
  }

  async drained(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const pack = this.queue[0] as { packId: string; size: number; entries: PackedChunk[] };
      this.catalog.addPack(pack.packId, pack.size, pack.entries.splice(0, PACK_ROWS_PER_SLICE));
      if (pack.entries.length === 0) this.queue.shift();
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
const PACK_ROWS_PER_SLICE = 300;

function identityOf(stat: FileStat): FileIdentity {
  return { size: Number(stat.size), mtimeNs: stat.mtimeNs.toString(), ctimeNs: stat.ctimeNs.toString(), ino: `${stat.dev}:${stat.ino}` };
}

function baseEntry(path: string, stat: FileStat): Omit<TreeEntry, 'type' | 'size'> {
  return { path, mode: Number(stat.mode & 0o7777n), uid: Number(stat.uid), gid: Number(stat.gid), mtimeNs: stat.mtimeNs.toString(), atimeNs: stat.atimeNs.toString() };
}

/**
 * The previous snapshot's entry (its JSON) when the file is unchanged: same size, times and inode
 * (ctime also covers mode and owner changes). `catalog` is given when staging lost packs since, to
 * check that every chunk is still stored.
 */
function reusable(found: PreviousEntry | undefined, now: FileIdentity, catalog: Catalog | null): string | null {
  if (!found || found.type !== 'file') return null;
  const then = found.identity;
  if (then.size !== now.size || then.mtimeNs !== now.mtimeNs || then.ctimeNs !== now.ctimeNs || then.ino !== now.ino) return null;
  if (catalog && !((JSON.parse(found.json) as TreeEntry).chunks ?? []).every((id) => catalog.hasChunk(id))) return null;
  return found.json;
}

/**
 * Writes the snapshot's entries as tree blobs (JSON lines, compressed, sealed, packed) as they come,
 * one blob at a time between other work, and gives their ids at the end.
 */
class TreeWriter {
  private readonly builder = new TreeBlobBuilder();
  private readonly writer: PackWriter;
  private readonly ids: string[] = [];
  private readonly rawLengths = new Map<string, number>();
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly options: BackupRunOptions,
    private readonly claimed: Set<string>,
    private readonly stored: (id: string) => boolean,
    private readonly onWritten: (bytes: number) => void,
  ) {
    this.writer = new PackWriter(
      options.repo.dir,
      options.repo.keys,
      PACK_TARGET_BYTES,
      (pack) => {
        options.catalog.addPack(pack.packId, pack.size, pack.entries.map((e) => ({ ...e, rawLength: this.rawLengths.get(e.id) ?? 0 })));
        onWritten(pack.size);
      },
      options.repo.saved,
    );
  }

  add(line: string): void {
    const blob = this.builder.addLine(line);
    if (blob) this.chain = this.chain.then(() => this.store(blob));
  }

  async finish(): Promise<string[]> {
    const last = this.builder.finish();
    if (last) this.chain = this.chain.then(() => this.store(last));
    await this.chain;
    await this.writer.flush();
    return this.ids;
  }

  /** Cancel: the tree blob pack in progress is dropped. */
  async abort(): Promise<void> {
    await this.chain.catch(() => undefined);
    await this.writer.abort();
  }

  private async store(blob: Buffer): Promise<void> {
    const { repo } = this.options;
    const id = chunkId(repo.keys, blob);
    this.ids.push(id);
    if (this.claimed.has(id) || this.stored(id)) return;
    this.claimed.add(id);
    this.rawLengths.set(id, blob.length);
    await this.writer.add(id, sealChunk(repo.keys, id, packChunk(blob)));
    // Sealing a blob is CPU work on this thread: let the event loop breathe between blobs.
    await new Promise((resolve) => setImmediate(resolve));
  }
}
