import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { initRepository, openRepository, repositoryDir } from './repository';

const PASSPHRASE = 'a long and memorable passphrase';
const dirs: string[] = [];
const staging = () => {
  const dir = mkdtempSync(join(tmpdir(), 'seedship-repo-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('the backup repository in staging', () => {
  it('is created once and opens with its passphrase; the config reveals nothing about the data', async () => {
    const dir = staging();
    const created = await initRepository(dir, PASSPHRASE);
    const opened = await openRepository(dir, PASSPHRASE);
    expect(opened.keys.encryption.equals(created.keys.encryption)).toBe(true);
    expect(opened.config.id).toBe(created.config.id);
    const config = readFileSync(join(repositoryDir(dir), 'config.json'), 'utf8');
    expect(Object.keys(JSON.parse(config) as object).sort()).toEqual(['chunker', 'createdAt', 'format', 'id', 'kdf', 'keyCheck', 'version']);
    expect(readdirSync(repositoryDir(dir)).filter((n) => n.includes('.tmp-'))).toEqual([]);
    await expect(initRepository(dir, PASSPHRASE)).rejects.toMatchObject({ code: 'CONFLICT', field: 'stagingPath' });
  }, 20_000);

  it('refuses a wrong passphrase, a short one, a folder without a backup, and a damaged config', async () => {
    const dir = staging();
    await expect(initRepository(dir, 'too short')).rejects.toMatchObject({ code: 'VALIDATION', field: 'passphrase' });
    await initRepository(dir, PASSPHRASE);
    await expect(openRepository(dir, `${PASSPHRASE}.`)).rejects.toMatchObject({ code: 'VALIDATION', field: 'passphrase', message: expect.stringContaining('does not open this backup') });
    await expect(openRepository(staging(), PASSPHRASE)).rejects.toMatchObject({ code: 'NOT_FOUND', field: 'stagingPath' });
    writeFileSync(join(repositoryDir(dir), 'config.json'), '{"format":"something else"}');
    await expect(openRepository(dir, PASSPHRASE)).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('damaged') });
  }, 20_000);
});
