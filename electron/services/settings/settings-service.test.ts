import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuditLog } from '../store/audit-log';
import { openDatabase } from '../store/database';
import { SettingsService } from './settings-service';
import { SettingsStore } from './settings-store';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'seedship-settings-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function open(dataDir: string) {
  const db = openDatabase(dataDir);
  const audit = new AuditLog(db, 'test:op');
  const onChange = vi.fn();
  return { db, audit, onChange, service: new SettingsService(new SettingsStore(db), audit, onChange) };
}

describe('SettingsService (real SQLite)', () => {
  it('starts with defaults and keeps changes across restarts', async () => {
    const dataDir = tempDir();
    const staging = tempDir();
    const first = open(dataDir);
    expect(first.service.get()).toEqual({ rehearsalDrives: false, stagingPath: null, cloudProfile: 'local', azureClientId: null, azureTenantId: null });
    await first.service.update({ rehearsalDrives: true, stagingPath: staging, cloudProfile: 'AzurePublic' });
    expect(first.onChange).toHaveBeenCalledWith(expect.objectContaining({ rehearsalDrives: true, stagingPath: staging, cloudProfile: 'AzurePublic' }));
    first.db.close();
    const second = open(dataDir);
    expect(second.service.get()).toMatchObject({ rehearsalDrives: true, stagingPath: staging, cloudProfile: 'AzurePublic' });
    second.db.close();
  });

  it.each([
    ['relative/staging', 'must be a full path'],
    ['/definitely/not/here', 'does not exist'],
  ])('refuses staging location %s, naming the field, and keeps the old value', async (path, words) => {
    const { service, db } = open(tempDir());
    await expect(service.update({ stagingPath: path })).rejects.toMatchObject({ code: 'VALIDATION', field: 'stagingPath', message: expect.stringContaining(words) });
    expect(service.get().stagingPath).toBeNull();
    db.close();
  });

  it('refuses a file as staging location', async () => {
    const file = join(tempDir(), 'not-a-folder');
    writeFileSync(file, 'x');
    const { service, db } = open(tempDir());
    await expect(service.update({ stagingPath: file })).rejects.toMatchObject({ field: 'stagingPath', message: expect.stringContaining('not a folder') });
    db.close();
  });

  it('records changes in an audit log that can’t be rewritten', async () => {
    const { service, audit, db } = open(tempDir());
    await service.update({ rehearsalDrives: true });
    await service.update({ rehearsalDrives: true }); // no change, no entry
    const entries = audit.recent();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor: 'test:op', action: 'settings.update', details: '{"rehearsalDrives":true}' });
    expect(() => db.prepare('UPDATE audit_log SET action = ?').run('nothing happened')).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    db.close();
  });
});
