import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from '../store/database';
import type { PackedChunk } from '../../workers/backup/protocol';

type Db = Database.Database;

/** Each entry upgrades the schema by one version; never edit a shipped entry, add a new one. */
export const CATALOG_MIGRATIONS: readonly string[] = [
  `CREATE TABLE packs (id TEXT PRIMARY KEY, size INTEGER NOT NULL) WITHOUT ROWID;
   CREATE TABLE chunks (
     id TEXT PRIMARY KEY,
     pack_id TEXT NOT NULL REFERENCES packs(id) ON DELETE CASCADE,
     offset INTEGER NOT NULL,
     length INTEGER NOT NULL,
     raw_length INTEGER NOT NULL
   ) WITHOUT ROWID;
   CREATE INDEX chunks_by_pack ON chunks(pack_id);
   CREATE TABLE snapshots (
     id TEXT PRIMARY KEY,
     created_at TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('running', 'complete')),
     sources TEXT NOT NULL,
     job_name TEXT,
     files INTEGER NOT NULL DEFAULT 0,
     bytes INTEGER NOT NULL DEFAULT 0,
     bytes_written INTEGER NOT NULL DEFAULT 0
   ) WITHOUT ROWID;
   CREATE TABLE files (
     snapshot_id TEXT NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
     path TEXT NOT NULL,
     type TEXT NOT NULL,
     size INTEGER NOT NULL,
     mtime_ns TEXT NOT NULL,
     ctime_ns TEXT NOT NULL,
     ino TEXT NOT NULL,
     entry TEXT NOT NULL,
     PRIMARY KEY (snapshot_id, path)
   ) WITHOUT ROWID;`,
  // File rows are a few hundred bytes (the entry's JSON): in a WITHOUT ROWID table every insert
  // splits pages of whole rows (86 µs a file). A rowid table with a narrow index costs a tenth.
  `DROP TABLE files;
   CREATE TABLE files (
     rowid INTEGER PRIMARY KEY,
     snapshot_id TEXT NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
     path TEXT NOT NULL,
     dir TEXT NOT NULL,
     type TEXT NOT NULL,
     size INTEGER NOT NULL,
     mtime_ns TEXT NOT NULL,
     ctime_ns TEXT NOT NULL,
     ino TEXT NOT NULL,
     entry TEXT NOT NULL
   );
   -- A backup compares a folder at a time with the previous snapshot: one query per folder. (The
   -- only index: each one costs every insert.)
   CREATE INDEX files_by_dir ON files(snapshot_id, dir);`,
  // A backup compares only with the latest complete snapshot, so only its rows are kept (with a
  // running backup's new ones beside them), and an unchanged file's row stays as it is instead of
  // being copied. Copying made every backup write, log and checkpoint ~550 bytes per file (15 MB
  // for 28,000 unchanged files), and the catalog grew by as much with every backup.
  `CREATE TABLE files_next (
     rowid INTEGER PRIMARY KEY,
     added_by TEXT NOT NULL,
     path TEXT NOT NULL,
     dir TEXT NOT NULL,
     type TEXT NOT NULL,
     size INTEGER NOT NULL,
     mtime_ns TEXT NOT NULL,
     ctime_ns TEXT NOT NULL,
     ino TEXT NOT NULL,
     entry TEXT NOT NULL
   );
   INSERT INTO files_next (added_by, path, dir, type, size, mtime_ns, ctime_ns, ino, entry)
     SELECT snapshot_id, path, dir, type, size, mtime_ns, ctime_ns, ino, entry FROM files
     WHERE snapshot_id = (SELECT id FROM snapshots WHERE status = 'complete' ORDER BY created_at DESC LIMIT 1);
   DROP TABLE files;
   ALTER TABLE files_next RENAME TO files;
   -- One query per folder; and, covering added_by, the list of rows a finished backup compares.
   CREATE INDEX files_by_dir ON files(dir, added_by);`,
];

export interface SnapshotRow {
  id: string;
  createdAt: string;
  status: 'running' | 'complete';
  sources: string[];
  jobName: string | null;
  files: number;
  bytes: number;
  bytesWritten: number;
}

/** One entry as the catalog stores it: the tree entry's JSON, and what identifies the file's version. */
export interface CatalogRow {
  path: string;
  type: string;
  json: string;
  identity: FileIdentity;
  /** The previous snapshot's row, kept as it is, for an unchanged file. */
  copyOf?: number;
}

export interface PreviousEntry {
  rowid: number;
  type: string;
  identity: FileIdentity;
  /** The entry's JSON, reused as it is when the file is unchanged. */
  json: string;
}

/** The folder part of a snapshot path ('' for a top-level name). */
export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** What the catalog remembers of a file to decide, next time, whether it changed. */
export interface FileIdentity {
  size: number;
  mtimeNs: string;
  ctimeNs: string;
  ino: string;
}

/**
 * The local catalog of one repository (SQLite in the app's data folder, never in staging: it holds
 * file names). It knows which chunks the repository holds, so a backup stores only new ones, and what
 * the latest snapshot's files looked like, so unchanged files aren't read again. Staging is the
 * truth: the catalog is reconciled with it before each backup and can be rebuilt from it.
 *
 * `files` holds the latest complete snapshot's rows and, while a backup runs, the rows it adds
 * (`added_by` its id). An unchanged file's row is marked kept, not rewritten; when the backup
 * completes, the previous rows it did not keep (changed, gone) are deleted in the same transaction
 * that marks it complete. A backup that never completes leaves its own rows to be deleted, and the
 * previous snapshot's rows as they were.
 */
export class Catalog {
  readonly path: string;
  private readonly db: Db;
  private readonly hasChunkStmt;
  private readonly insertFileStmt;
  private readonly previousStmt;
  private bulk = false;
  /** The previous snapshot's rows the running backup keeps (unchanged files). */
  private kept = new RowSet();

  constructor(dataDir: string, repositoryId: string) {
    const dir = join(dataDir, 'catalogs');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.path = join(dir, `${repositoryId}.db`);
    this.db = new Database(this.path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('temp_store = MEMORY');
    migrate(this.db, CATALOG_MIGRATIONS);
    this.hasChunkStmt = this.db.prepare('SELECT 1 FROM chunks WHERE id = ?').pluck();
    this.insertFileStmt = this.db.prepare(
      'INSERT INTO files (added_by, path, dir, type, size, mtime_ns, ctime_ns, ino, entry) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.previousStmt = this.db.prepare('SELECT rowid, path, type, size, mtime_ns, ctime_ns, ino, entry FROM files WHERE dir = ? AND added_by != ?').raw(true);
  }

  hasChunk(id: string): boolean {
    return this.hasChunkStmt.get(id) !== undefined;
  }

  /** Whether any chunk is known: a first backup skips a lookup per chunk when none is. */
  hasChunks(): boolean {
    return this.db.prepare('SELECT EXISTS (SELECT 1 FROM chunks)').pluck().get() === 1;
  }

  addPack(packId: string, size: number, entries: readonly PackedChunk[]): void {
    const insertChunk = this.db.prepare('INSERT OR IGNORE INTO chunks (id, pack_id, offset, length, raw_length) VALUES (?, ?, ?, ?, ?)');
    this.db.transaction(() => {
      this.db.prepare('INSERT OR IGNORE INTO packs (id, size) VALUES (?, ?)').run(packId, size);
      for (const e of entries) insertChunk.run(e.id, packId, e.offset, e.length, e.rawLength);
    })();
  }

  packIds(): string[] {
    return this.db.prepare('SELECT id FROM packs').pluck().all() as string[];
  }

  /** Forgets packs that are gone from staging (and so their chunks). */
  removePacks(ids: readonly string[]): void {
    const remove = this.db.prepare('DELETE FROM packs WHERE id = ?');
    this.db.transaction(() => {
      for (const id of ids) remove.run(id);
    })();
  }

  /** Removes what an interrupted backup left behind: its snapshot row and the file rows it added. */
  removeUnfinishedSnapshots(): number {
    this.kept = new RowSet();
    const running = this.db.prepare("SELECT id FROM snapshots WHERE status = 'running'").pluck().all() as string[];
    // Finding a snapshot's rows scans the table: only when there is one.
    if (running.length === 0) return 0;
    return this.db.transaction(() => {
      const removeFiles = this.db.prepare('DELETE FROM files WHERE added_by = ?');
      const removeSnapshot = this.db.prepare('DELETE FROM snapshots WHERE id = ?');
      for (const id of running) removeFiles.run(id);
      return running.reduce((n, id) => n + removeSnapshot.run(id).changes, 0);
    })();
  }

  /**
   * A backup writes a row per file and per chunk. Committed a few hundred at a time, random chunk
   * ids dirty most of the table's pages on every commit (measured: 190 MB of log for 40 000 chunks,
   * 17 MB when committed every 20 000). So a backup writes inside one long transaction, committed
   * by `commitBulkWrites` every couple of seconds (each write still runs as its own savepoint), and
   * SQLite's automatic checkpoints, which would fsync the catalog on the thread that answers the
   * workers, are off: a CatalogCheckpointer checkpoints from a worker thread instead. A crash loses
   * at most the uncommitted rows, and staging (the truth) restores them at the next reconcile.
   */
  beginBulkWrites(): void {
    this.db.pragma('wal_autocheckpoint = 0');
    this.bulk = true;
    if (!this.db.inTransaction) this.db.exec('BEGIN');
  }

  /** Commits the bulk transaction so far and opens the next (before each checkpoint). */
  commitBulkWrites(): void {
    if (!this.bulk) return;
    // A failed statement can end the transaction early (SQLite rolls back on I/O errors).
    if (this.db.inTransaction) this.db.exec('COMMIT');
    this.db.exec('BEGIN');
  }

  /** Commits, and back to automatic checkpoints (a CatalogCheckpointer empties the log next). */
  endBulkWrites(): void {
    this.bulk = false;
    if (this.db.inTransaction) this.db.exec('COMMIT');
    this.db.pragma('wal_autocheckpoint = 1000');
  }

  /** Folds the log into the database on this thread: what CatalogCheckpointer does off it. */
  checkpoint(): void {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  beginSnapshot(id: string, sources: string[], jobName: string | null): void {
    this.kept = new RowSet();
    this.db.prepare("INSERT INTO snapshots (id, created_at, status, sources, job_name) VALUES (?, ?, 'running', ?, ?)").run(id, new Date().toISOString(), JSON.stringify(sources), jobName);
  }

  /**
   * Records entries (their JSON already made) in one transaction: one transaction per file is slow.
   * An unchanged file's previous row is only marked kept: nothing is written for it.
   */
  addEntries(snapshotId: string, rows: readonly CatalogRow[]): void {
    this.db.transaction(() => {
      for (const row of rows) {
        if (row.copyOf !== undefined) {
          this.kept.add(row.copyOf);
          continue;
        }
        const { identity } = row;
        this.insertFileStmt.run(snapshotId, row.path, parentOf(row.path), row.type, identity.size, identity.mtimeNs, identity.ctimeNs, identity.ino, row.json);
      }
    })();
  }

  /** What the previous snapshot held directly inside `dir`, by name (not `running`'s own rows): a backup asks once per folder. */
  folder(dir: string, running: string): Map<string, PreviousEntry> {
    // Rows as arrays: a no-change backup reads every file's row, and named objects cost twice as much.
    const rows = this.previousStmt.all(dir, running) as [number, string, string, number, string, string, string, string][];
    const found = new Map<string, PreviousEntry>();
    for (const [rowid, path, type, size, mtimeNs, ctimeNs, ino, json] of rows) found.set(path, { rowid, type, identity: { size, mtimeNs, ctimeNs, ino }, json });
    return found;
  }

  /**
   * Marks the snapshot complete and, in the same transaction, deletes the previous snapshot's rows
   * it did not keep: from then on its rows are the ones the next backup compares with.
   */
  completeSnapshot(id: string, stats: { files: number; bytes: number; bytesWritten: number }): void {
    const previous = this.db.prepare('SELECT rowid FROM files WHERE added_by != ?').pluck().all(id) as number[];
    const replaced = previous.filter((rowid) => !this.kept.has(rowid));
    this.db.transaction(() => {
      if (replaced.length > 0) this.db.prepare('DELETE FROM files WHERE rowid IN (SELECT value FROM json_each(?))').run(JSON.stringify(replaced));
      this.db.prepare("UPDATE snapshots SET status = 'complete', files = ?, bytes = ?, bytes_written = ? WHERE id = ?").run(stats.files, stats.bytes, stats.bytesWritten, id);
    })();
    this.kept = new RowSet();
  }

  latestSnapshot(): SnapshotRow | null {
    const row = this.db.prepare("SELECT * FROM snapshots WHERE status = 'complete' ORDER BY created_at DESC LIMIT 1").get() as RawSnapshot | undefined;
    return row ? toSnapshot(row) : null;
  }

  close(): void {
    this.db.close();
  }
}

interface RawSnapshot {
  id: string;
  created_at: string;
  status: 'running' | 'complete';
  sources: string;
  job_name: string | null;
  files: number;
  bytes: number;
  bytes_written: number;
}

function toSnapshot(row: RawSnapshot): SnapshotRow {
  return {
    id: row.id,
    createdAt: row.created_at,
    status: row.status,
    sources: JSON.parse(row.sources) as string[],
    jobName: row.job_name,
    files: row.files,
    bytes: row.bytes,
    bytesWritten: row.bytes_written,
  };
}

/** A set of row ids as a bitmap: a bit per id up to the largest, instead of a Set entry per row. */
class RowSet {
  private bits = new Uint8Array(0);

  add(rowid: number): void {
    const byte = Math.floor(rowid / 8);
    if (byte >= this.bits.length) {
      const grown = new Uint8Array(Math.max(byte + 1, this.bits.length * 2, 4096));
      grown.set(this.bits);
      this.bits = grown;
    }
    this.bits[byte] = (this.bits[byte] as number) | (1 << (rowid & 7));
  }

  has(rowid: number): boolean {
    return ((this.bits[Math.floor(rowid / 8)] ?? 0) & (1 << (rowid & 7))) !== 0;
  }
}
