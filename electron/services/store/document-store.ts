import type { Db } from './database';

/** Small JSON documents by key (the backup plan, sealed secrets), each replaced whole. */
export class DocumentStore {
  constructor(private readonly db: Db) {}

  read(key: string): unknown {
    const row = this.db.prepare('SELECT value FROM documents WHERE key = ?').get(key) as { value: string } | undefined;
    if (!row) return null;
    try {
      return JSON.parse(row.value) as unknown;
    } catch {
      return null;
    }
  }

  write(key: string, value: unknown): void {
    this.db
      .prepare('INSERT INTO documents (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at')
      .run(key, JSON.stringify(value), new Date().toISOString());
  }

  remove(key: string): void {
    this.db.prepare('DELETE FROM documents WHERE key = ?').run(key);
  }
}
