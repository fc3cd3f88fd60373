import { SeedRecordSchema, type SeedRecord } from '../../../shared/vault/vault-api';
import type { Db } from '../store/database';

/** Each backup's seed record (table vault_seeds), by import job name. */
export class SeedStore {
  constructor(private readonly db: Db) {}

  get(jobName: string): SeedRecord | null {
    const row = this.db.prepare('SELECT record FROM vault_seeds WHERE job_name = ?').get(jobName) as { record: string } | undefined;
    if (!row) return null;
    const parsed = SeedRecordSchema.safeParse(JSON.parse(row.record));
    return parsed.success ? parsed.data : null;
  }

  put(record: SeedRecord): SeedRecord {
    const valid = SeedRecordSchema.parse(record);
    this.db
      .prepare('INSERT INTO vault_seeds (job_name, repository_id, record) VALUES (?, ?, ?) ON CONFLICT(job_name) DO UPDATE SET repository_id = excluded.repository_id, record = excluded.record')
      .run(valid.jobName, valid.repositoryId, JSON.stringify(valid));
    return valid;
  }

  update(jobName: string, patch: Partial<SeedRecord>): SeedRecord {
    const current = this.get(jobName);
    if (!current) throw new Error(`No seed record for ${jobName}.`);
    return this.put({ ...current, ...patch });
  }
}
