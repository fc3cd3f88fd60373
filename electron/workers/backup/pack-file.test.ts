import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chunkId, deriveKeys, newKdfParams, openChunk, sealChunk, type RepositoryKeys } from './chunk-crypto';
import { listPacks, PackWriter, packsDir, readPackBlob, readPackEntries, removeIncompletePacks, verifyPack } from './pack-file';

let keys: RepositoryKeys;
const dirs: string[] = [];
const repo = () => {
  const dir = mkdtempSync(join(tmpdir(), 'seedship-packs-'));
  dirs.push(dir);
  return dir;
};

beforeAll(async () => {
  keys = await deriveKeys('pack test passphrase 123', { ...newKdfParams(), N: 2 ** 10 });
});
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function sealed(size: number) {
  const plain = randomBytes(size);
  const id = chunkId(keys, plain);
  return { id, plain, blob: sealChunk(keys, id, plain) };
}

describe('pack files', () => {
  it('bundles chunks, closes packs at the target size, and reads every chunk back', async () => {
    const dir = repo();
    const chunks = Array.from({ length: 12 }, () => sealed(20_000));
    const announced: string[] = [];
    const writer2 = new PackWriter(dir, keys, 100_000, (p) => announced.push(p.packId));
    for (const c of chunks) await writer2.add(c.id, c.blob);
    const finished = await writer2.flush();
    expect(finished.length).toBe(3);
    expect(announced.sort()).toEqual(finished.map((p) => p.packId).sort());
    expect((await listPacks(dir)).sort()).toEqual(finished.map((p) => p.path).sort());
    for (const pack of finished) {
      expect(await verifyPack(pack.path, keys)).toBeNull();
      const entries = await readPackEntries(pack.path, keys);
      expect(entries).toEqual(pack.entries);
      for (const entry of entries) {
        const original = chunks.find((c) => c.id === entry.id)!;
        expect(openChunk(keys, entry.id, await readPackBlob(pack.path, entry)).equals(original.plain)).toBe(true);
      }
    }
    expect(readdirSync(packsDir(dir)).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
  });

  it('reveals no chunk ids or contents in the pack’s bytes', async () => {
    const dir = repo();
    const writer = new PackWriter(dir, keys);
    const text = Buffer.from('CONFIDENTIAL-PAYROLL '.repeat(50));
    const id = chunkId(keys, text);
    await writer.add(id, sealChunk(keys, id, text));
    const [pack] = await writer.flush();
    if (!pack) throw new Error('no pack');
    const bytes = readFileSync(pack.path);
    expect(bytes.includes(Buffer.from('CONFIDENTIAL'))).toBe(false);
    expect(bytes.includes(Buffer.from(id))).toBe(false);
  });

  it('detects a damaged pack and a wrong passphrase', async () => {
    const dir = repo();
    const writer = new PackWriter(dir, keys);
    const c = sealed(5000);
    await writer.add(c.id, c.blob);
    const [pack] = await writer.flush();
    if (!pack) throw new Error('no pack');
    const bytes = readFileSync(pack.path);
    bytes[10] = (bytes[10] as number) ^ 0xff;
    writeFileSync(pack.path, bytes);
    expect(await verifyPack(pack.path, keys)).toMatch(/passphrase is wrong or the data is damaged/);
    const other = await deriveKeys('not the passphrase at all', { ...newKdfParams(), N: 2 ** 10 });
    const clean = repo();
    const w2 = new PackWriter(clean, keys);
    await w2.add(c.id, c.blob);
    const [p2] = await w2.flush();
    if (!p2) throw new Error('no pack');
    await expect(readPackEntries(p2.path, other)).rejects.toThrow(/passphrase is wrong or the data is damaged/);
  });

  it('an interrupted pack never becomes visible and is swept away', async () => {
    const dir = repo();
    const writer = new PackWriter(dir, keys);
    const c = sealed(5000);
    await writer.add(c.id, c.blob);
    // A crash here: the temporary file exists, no pack does.
    expect(await listPacks(dir)).toEqual([]);
    expect(await removeIncompletePacks(dir)).toBe(1);
    await writer.abort(); // closes the orphaned handle; the file is already gone
    const cancelled = new PackWriter(dir, keys);
    await cancelled.add(c.id, c.blob);
    await cancelled.abort();
    expect(readdirSync(packsDir(dir))).toEqual([]);
  });

  it('keeps finished packs under temporary names until they may be visible, and never publishes them if that fails', async () => {
    const dir = repo();
    let allow: () => void = () => undefined;
    const visible = new Promise<void>((resolve) => (allow = resolve));
    // Six chunks of 20 kB make two packs of 50 kB or more.
    const writer = new PackWriter(dir, keys, 50_000, () => undefined, visible);
    for (let i = 0; i < 6; i += 1) {
      const c = sealed(20_000);
      await writer.add(c.id, c.blob);
    }
    const flushed = writer.flush();
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Written and fsynced, but only as temporaries: a crash now leaves nothing a reader could take.
    expect(await listPacks(dir)).toEqual([]);
    expect(readdirSync(packsDir(dir)).filter((n) => n.startsWith('.tmp-')).length).toBe(2);
    allow();
    expect((await flushed).length).toBe(2);
    expect((await listPacks(dir)).length).toBe(2);

    const other = repo();
    const refused = Promise.reject(new Error('the repository settings could not be saved'));
    const failing = new PackWriter(other, keys, 50_000, () => undefined, refused);
    for (let i = 0; i < 3; i += 1) {
      const c = sealed(20_000);
      await failing.add(c.id, c.blob);
    }
    await expect(failing.flush()).rejects.toThrow('could not be saved');
    expect(await listPacks(other)).toEqual([]);
    expect(await removeIncompletePacks(other)).toBeGreaterThan(0);
  });
});
