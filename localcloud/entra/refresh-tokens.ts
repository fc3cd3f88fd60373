import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export interface RefreshGrant {
  username: string;
  clientId: string;
}

const LIFETIME_MS = 90 * 24 * 3600 * 1000;

/** Refresh tokens, stored only as hashes, kept across restarts (Entra's default lifetime: 90 days). */
export class RefreshTokenStore {
  private readonly db: Database.Database;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.db = new Database(join(dir, 'identity.db'));
    this.db.pragma('journal_mode = WAL');
    this.db.exec('CREATE TABLE IF NOT EXISTS refresh_tokens (hash TEXT PRIMARY KEY, username TEXT NOT NULL, client_id TEXT NOT NULL, expires_at INTEGER NOT NULL)');
  }

  issue(grant: RefreshGrant): string {
    const token = randomBytes(48).toString('base64url');
    this.db.prepare('INSERT INTO refresh_tokens VALUES (?, ?, ?, ?)').run(hash(token), grant.username, grant.clientId, Date.now() + LIFETIME_MS);
    return token;
  }

  /** Redeems a token once (rotation): returns its grant and forgets it, or null if unknown/expired. */
  redeem(token: string): RefreshGrant | null {
    const row = this.db.prepare('SELECT username, client_id, expires_at FROM refresh_tokens WHERE hash = ?').get(hash(token)) as
      | { username: string; client_id: string; expires_at: number }
      | undefined;
    this.db.prepare('DELETE FROM refresh_tokens WHERE hash = ? OR expires_at < ?').run(hash(token), Date.now());
    if (!row || row.expires_at < Date.now()) return null;
    return { username: row.username, clientId: row.client_id };
  }

  close(): void {
    this.db.close();
  }
}

function hash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
