import { SettingsSchema, type Settings } from '../../../shared/api/contract';
import type { Db } from '../store/database';

const DEFAULTS: Settings = { rehearsalDrives: false, stagingPath: null, cloudProfile: 'local', azureClientId: null, azureTenantId: null };

/** Settings persisted as one JSON value per key; unknown or corrupt values fall back to defaults. */
export class SettingsStore {
  constructor(private readonly db: Db) {}

  read(): Settings {
    const rows = this.db.prepare('SELECT key, value FROM settings').all() as { key: string; value: string }[];
    const stored: Record<string, unknown> = {};
    for (const row of rows) {
      try {
        stored[row.key] = JSON.parse(row.value);
      } catch {
        // A corrupt value is dropped: its default applies.
      }
    }
    const merged = { ...DEFAULTS, ...stored };
    const parsed = SettingsSchema.safeParse(merged);
    return parsed.success ? parsed.data : DEFAULTS;
  }

  write(patch: Partial<Settings>): Settings {
    const upsert = this.db.prepare(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    );
    this.db.transaction(() => {
      for (const [key, value] of Object.entries(patch)) {
        if (value !== undefined) upsert.run(key, JSON.stringify(value));
      }
    })();
    return this.read();
  }
}
