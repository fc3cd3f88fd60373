import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deriveKeys, keyCheck, newKdfParams } from '../../workers/backup/chunk-crypto';
import { beginRepository, initRepository, openRepository, repositoryDir } from './repository';

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
    expect(Object.keys(JSON.parse(config) as object).sort()).toEqual(['chunker', 'createdAt', 'format', 'id', 'kdf', 'keyCheck', 'version', 'wrappedKeys']);
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

  it('starts with random keys at once and saves them wrapped by the passphrase; the config appears only when saved', async () => {
    const dir = staging();
    const begun = await beginRepository(dir, PASSPHRASE);
    // The KDF is still running: nothing in staging can be opened yet, and nothing claims to be.
    expect(readdirSync(repositoryDir(dir))).not.toContain('config.json');
    await begun.saved;
    const config = JSON.parse(readFileSync(join(repositoryDir(dir), 'config.json'), 'utf8')) as { version: number; wrappedKeys: string };
    expect(config.version).toBe(2);
    // The wrapped keys are not the keys, and not derivable without the passphrase.
    expect(Buffer.from(config.wrappedKeys, 'base64').includes(begun.keys.encryption)).toBe(false);
    const opened = await openRepository(dir, PASSPHRASE);
    expect(opened.keys.encryption.equals(begun.keys.encryption) && opened.keys.identity.equals(begun.keys.identity)).toBe(true);
    // Another passphrase unwraps nothing; a damaged wrapping is refused the same way.
    await expect(openRepository(dir, `${PASSPHRASE}!`)).rejects.toMatchObject({ code: 'VALIDATION', field: 'passphrase' });
    const damaged = Buffer.from(config.wrappedKeys, 'base64');
    damaged[40] = (damaged[40] as number) ^ 1;
    writeFileSync(join(repositoryDir(dir), 'config.json'), JSON.stringify({ ...config, wrappedKeys: damaged.toString('base64') }));
    await expect(openRepository(dir, PASSPHRASE)).rejects.toMatchObject({ code: 'VALIDATION', field: 'passphrase' });
    // Format 2 without its wrapped keys is a damaged config, named as such.
    const { wrappedKeys: _dropped, ...unwrapped } = config;
    writeFileSync(join(repositoryDir(dir), 'config.json'), JSON.stringify(unwrapped));
    await expect(openRepository(dir, PASSPHRASE)).rejects.toMatchObject({ code: 'VALIDATION', field: 'stagingPath', message: expect.stringContaining('config.json is damaged') });
  }, 20_000);

  it('still opens a format 1 repository, whose keys were derived from the passphrase itself', async () => {
    const dir = staging();
    const kdf = { ...newKdfParams(), N: 2 ** 12 };
    const keys = await deriveKeys(PASSPHRASE, kdf);
    mkdirSync(repositoryDir(dir), { recursive: true });
    const config = { format: 'seedship-repository', version: 1, id: '0f8fad5b-d9cb-469f-a165-70867728950e', createdAt: new Date().toISOString(), kdf, keyCheck: keyCheck(keys), chunker: { minSize: 524288, avgSize: 1048576, maxSize: 8388608 } };
    writeFileSync(join(repositoryDir(dir), 'config.json'), JSON.stringify(config));
    const opened = await openRepository(dir, PASSPHRASE);
    expect(opened.keys.encryption.equals(keys.encryption) && opened.keys.identity.equals(keys.identity)).toBe(true);
    await expect(openRepository(dir, `${PASSPHRASE}!`)).rejects.toMatchObject({ code: 'VALIDATION', field: 'passphrase' });
  }, 20_000);
});
