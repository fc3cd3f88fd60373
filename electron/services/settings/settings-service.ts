import { stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import type { Settings } from '../../../shared/api/contract';
import { SeedshipError } from '../../../shared/api/errors';
import type { AuditLog } from '../store/audit-log';
import type { SettingsStore } from './settings-store';

/** Reads and changes settings; a staging location must be an existing folder given as an absolute path. */
export class SettingsService {
  constructor(
    private readonly store: SettingsStore,
    private readonly audit: AuditLog,
    private readonly onChange: (settings: Settings) => void,
  ) {}

  get(): Settings {
    return this.store.read();
  }

  async update(patch: Partial<Settings>): Promise<Settings> {
    if (patch.stagingPath) await assertStagingFolder(patch.stagingPath);
    const before = this.store.read();
    const after = this.store.write(patch);
    const changed = (Object.keys(patch) as (keyof Settings)[]).filter((k) => before[k] !== after[k]);
    if (changed.length > 0) {
      this.audit.record('settings.update', null, Object.fromEntries(changed.map((k) => [k, after[k]])));
      this.onChange(after);
    }
    return after;
  }
}

async function assertStagingFolder(path: string): Promise<void> {
  if (!isAbsolute(path)) {
    throw new SeedshipError('VALIDATION', `Staging location "${path}" must be a full path (for example /srv/staging).`, 'stagingPath');
  }
  const info = await stat(path).catch(() => null);
  if (!info) throw new SeedshipError('VALIDATION', `Staging location "${path}" does not exist.`, 'stagingPath');
  if (!info.isDirectory()) throw new SeedshipError('VALIDATION', `Staging location "${path}" is not a folder.`, 'stagingPath');
}
