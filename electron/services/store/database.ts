import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

/** Each entry upgrades the schema by one version; never edit a shipped entry, add a new one. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE audit_log (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     at TEXT NOT NULL,
     actor TEXT NOT NULL,
     action TEXT NOT NULL,
     target TEXT,
     details TEXT
   );
   -- The audit log is a chain of custody: rows are added, never changed or removed.
   CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
     BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
   CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
     BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;`,
  // Whole documents the app keeps as JSON: the backup plan, the sealed passphrase.
  `CREATE TABLE documents (key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at TEXT NOT NULL);`,
  // Disk prep: the drives prepared for each import job (no secrets: recovery passwords are sealed in
  // documents), and the import jobs created from them.
  `CREATE TABLE diskprep_drives (
     job_name TEXT NOT NULL,
     serial TEXT NOT NULL,
     drive_index INTEGER NOT NULL,
     record TEXT NOT NULL,
     PRIMARY KEY (job_name, serial)
   );
   CREATE TABLE diskprep_jobs (job_name TEXT PRIMARY KEY, record TEXT NOT NULL);`,
  // The vault: each backup's seed (which vault, which snapshot, when verified, the last upload).
  `CREATE TABLE vault_seeds (job_name TEXT PRIMARY KEY, repository_id TEXT NOT NULL, record TEXT NOT NULL);`,
  // The job dashboard: every import job the app has seen (its last observed ARM body, why it
  // disappeared, the notification e-mails the operator keeps with it) and the state changes observed,
  // since ARM keeps no history of a job.
  `CREATE TABLE import_jobs (
     id TEXT PRIMARY KEY,
     subscription_id TEXT NOT NULL,
     resource_group TEXT NOT NULL,
     name TEXT NOT NULL,
     first_seen_at TEXT NOT NULL,
     last_checked_at TEXT NOT NULL,
     record TEXT NOT NULL,
     deleted_at TEXT,
     deleted_reason TEXT,
     notification_emails TEXT NOT NULL DEFAULT '[]'
   );
   CREATE TABLE import_job_events (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     job_id TEXT NOT NULL,
     at TEXT NOT NULL,
     kind TEXT NOT NULL,
     drive_id TEXT,
     state TEXT,
     text TEXT NOT NULL
   );
   CREATE INDEX import_job_events_job ON import_job_events (job_id, seq);`,
];

/** Opens (creating if needed) the app's SQLite database in `dataDir` and brings its schema up to date. */
export function openDatabase(dataDir: string): Db {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = new Database(join(dataDir, 'seedship.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

/** Applies the migrations a database hasn't had yet, each in its own transaction (user_version counts them). */
export function migrate(db: Db, migrations: readonly string[] = MIGRATIONS): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let version = current; version < migrations.length; version += 1) {
    db.transaction(() => {
      db.exec(migrations[version] as string);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
