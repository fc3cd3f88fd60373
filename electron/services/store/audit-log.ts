import type { Db } from './database';

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  details: string | null;
}

/** Who did what to which disk, when: an append-only record (the table refuses updates and deletes). */
export class AuditLog {
  constructor(private readonly db: Db, private readonly actor: string) {}

  record(action: string, target: string | null, details?: Record<string, unknown>): void {
    this.db
      .prepare('INSERT INTO audit_log (at, actor, action, target, details) VALUES (?, ?, ?, ?, ?)')
      .run(new Date().toISOString(), this.actor, action, target, details ? JSON.stringify(details) : null);
  }

  recent(limit = 100): AuditEntry[] {
    return this.db.prepare('SELECT * FROM audit_log ORDER BY id DESC LIMIT ?').all(limit) as AuditEntry[];
  }
}
