import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/**
 * ARM's state in `<dataDir>/arm.db`: resources as JSON documents keyed by their (case-insensitive)
 * ARM id, tombstones that remember why a resource disappeared, and provider registrations.
 */
export class ArmStore {
  private readonly db: Database.Database;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.db = new Database(join(dataDir, 'arm.db'));
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS resources (key TEXT PRIMARY KEY, kind TEXT NOT NULL, scope TEXT NOT NULL, seq INTEGER NOT NULL, doc TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS resources_kind ON resources (kind, scope);
      CREATE TABLE IF NOT EXISTS tombstones (key TEXT PRIMARY KEY, reason TEXT NOT NULL, at TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS providers (key TEXT PRIMARY KEY, state TEXT NOT NULL);
    `);
  }

  get<T>(id: string): T | null {
    const row = this.db.prepare('SELECT doc FROM resources WHERE key = ?').get(id.toLowerCase()) as { doc: string } | undefined;
    return row ? (JSON.parse(row.doc) as T) : null;
  }

  /** Documents of a kind whose scope (a subscription or resource group id) starts with `scopePrefix`, oldest first. */
  list<T>(kind: string, scopePrefix: string): T[] {
    const rows = this.db.prepare("SELECT doc FROM resources WHERE kind = ? AND (scope = ? OR scope LIKE ? || '/%') ORDER BY seq").all(kind, scopePrefix.toLowerCase(), scopePrefix.toLowerCase()) as { doc: string }[];
    return rows.map((r) => JSON.parse(r.doc) as T);
  }

  put(id: string, kind: string, scope: string, doc: unknown): void {
    const key = id.toLowerCase();
    const existing = this.db.prepare('SELECT seq FROM resources WHERE key = ?').get(key) as { seq: number } | undefined;
    const seq = existing?.seq ?? ((this.db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM resources').get() as { n: number }).n);
    this.db.prepare('INSERT OR REPLACE INTO resources (key, kind, scope, seq, doc) VALUES (?, ?, ?, ?, ?)').run(key, kind, scope.toLowerCase(), seq, JSON.stringify(doc));
    this.db.prepare('DELETE FROM tombstones WHERE key = ?').run(key);
  }

  delete(id: string, reason?: string, at?: Date): void {
    const key = id.toLowerCase();
    this.db.prepare('DELETE FROM resources WHERE key = ?').run(key);
    if (reason) this.db.prepare('INSERT OR REPLACE INTO tombstones (key, reason, at) VALUES (?, ?, ?)').run(key, reason, (at ?? new Date()).toISOString());
  }

  tombstone(id: string): { reason: string; at: string } | null {
    return (this.db.prepare('SELECT reason, at FROM tombstones WHERE key = ?').get(id.toLowerCase()) as { reason: string; at: string } | undefined) ?? null;
  }

  providerState(subscriptionId: string, namespace: string): string | null {
    const row = this.db.prepare('SELECT state FROM providers WHERE key = ?').get(`${subscriptionId}/${namespace}`.toLowerCase()) as { state: string } | undefined;
    return row?.state ?? null;
  }

  setProviderState(subscriptionId: string, namespace: string, state: string): void {
    this.db.prepare('INSERT OR REPLACE INTO providers (key, state) VALUES (?, ?)').run(`${subscriptionId}/${namespace}`.toLowerCase(), state);
  }

  close(): void {
    this.db.close();
  }
}
