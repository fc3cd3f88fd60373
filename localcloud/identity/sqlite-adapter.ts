import { chmodSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Adapter, AdapterPayload } from 'oidc-provider';

/**
 * oidc-provider's storage (grants, refresh tokens, device codes, sessions, interactions) in one
 * SQLite file, so a restarted local cloud still honours the refresh tokens it issued.
 */
export interface ProviderStore {
  adapterFor(model: string): Adapter;
  close(): void;
}

interface Row {
  payload: string;
}

export function openProviderStore(file: string): ProviderStore {
  const db = new Database(file);
  chmodSync(file, 0o600); // refresh tokens are bearer secrets
  db.exec(`CREATE TABLE IF NOT EXISTS models (
    model TEXT NOT NULL,
    id TEXT NOT NULL,
    payload TEXT NOT NULL,
    grant_id TEXT,
    user_code TEXT,
    uid TEXT,
    expires_at INTEGER,
    PRIMARY KEY (model, id)
  );
  CREATE INDEX IF NOT EXISTS models_grant ON models (grant_id);
  CREATE INDEX IF NOT EXISTS models_user_code ON models (model, user_code);
  CREATE INDEX IF NOT EXISTS models_uid ON models (model, uid);`);

  const live = '(expires_at IS NULL OR expires_at > ?)';
  const statements = {
    upsert: db.prepare(
      `INSERT INTO models (model, id, payload, grant_id, user_code, uid, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (model, id) DO UPDATE SET payload = excluded.payload, grant_id = excluded.grant_id,
       user_code = excluded.user_code, uid = excluded.uid, expires_at = excluded.expires_at`,
    ),
    find: db.prepare<[string, string, number], Row>(`SELECT payload FROM models WHERE model = ? AND id = ? AND ${live}`),
    findByUserCode: db.prepare<[string, string, number], Row>(`SELECT payload FROM models WHERE model = ? AND user_code = ? AND ${live}`),
    findByUid: db.prepare<[string, string, number], Row>(`SELECT payload FROM models WHERE model = ? AND uid = ? AND ${live}`),
    setPayload: db.prepare('UPDATE models SET payload = ? WHERE model = ? AND id = ?'),
    destroy: db.prepare('DELETE FROM models WHERE model = ? AND id = ?'),
    revokeByGrantId: db.prepare('DELETE FROM models WHERE model = ? AND grant_id = ?'),
    prune: db.prepare('DELETE FROM models WHERE expires_at IS NOT NULL AND expires_at <= ?'),
  };
  statements.prune.run(Date.now());

  const parse = (row: Row | undefined): AdapterPayload | undefined => (row ? (JSON.parse(row.payload) as AdapterPayload) : undefined);

  return {
    adapterFor(model: string): Adapter {
      const find = (id: string) => parse(statements.find.get(model, id, Date.now()));
      return {
        async upsert(id, payload, expiresIn) {
          const expiresAt = typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : null;
          statements.upsert.run(model, id, JSON.stringify(payload), payload.grantId ?? null, payload.userCode ?? null, payload.uid ?? null, expiresAt);
        },
        async find(id) {
          return find(id);
        },
        async findByUserCode(userCode) {
          return parse(statements.findByUserCode.get(model, userCode, Date.now()));
        },
        async findByUid(uid) {
          return parse(statements.findByUid.get(model, uid, Date.now()));
        },
        async consume(id) {
          const payload = find(id);
          if (!payload) return;
          // oidc-provider's own adapters mark consumption with the epoch time in seconds
          const consumed = { ...payload, consumed: Math.floor(Date.now() / 1000) };
          statements.setPayload.run(JSON.stringify(consumed), model, id);
        },
        async destroy(id) {
          statements.destroy.run(model, id);
        },
        async revokeByGrantId(grantId) {
          statements.revokeByGrantId.run(model, grantId);
        },
      };
    },
    close() {
      db.close();
    },
  };
}
