import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listPacks } from '../../workers/backup/pack-file';
import { runBackup, type BackupRunOptions } from './backup-run';
import { Catalog } from './catalog';
import { initRepository, openRepository, type OpenRepository } from './repository';
import { runRestore } from './restore-run';
import { allocatedBytes, describeTree, makeOddTree } from './testing/odd-tree';
import { tempDirs } from './testing/temp-dirs';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const BACKUP_WORKER = join(ROOT, 'dist', 'workers', 'backup-worker.mjs');
const RESTORE_WORKER = join(ROOT, 'dist', 'workers', 'restore-worker.mjs');
const PASSPHRASE = 'correct horse battery staple 2026';

const temp = tempDirs();

function backupOptions(repo: OpenRepository, catalog: Catalog, sources: string[], extra: Partial<BackupRunOptions> = {}): BackupRunOptions {
  return { repo, catalog, sources, exclusions: { patterns: [], fileTypes: [] }, jobName: 'seed-test', workerEntry: BACKUP_WORKER, skip: [], signal: new AbortController().signal, onProgress: () => undefined, ...extra };
}

async function restoreAll(repo: OpenRepository, to: string, extra: { snapshotId?: string; paths?: string[] } = {}) {
  const warnings: string[] = [];
  const result = await runRestore({ repo, workerEntry: RESTORE_WORKER, to, signal: new AbortController().signal, onProgress: () => undefined, onWarning: (p, r) => warnings.push(`${p}: ${r}`), ...extra });
  return { result, warnings };
}

describe('backup to staging and restore', () => {
  it('restores a tree with every odd case bit-identical, with modes, owners, times, links and holes', async () => {
    const source = join(temp('src'), 'data');
    makeOddTree(source);
    const staging = temp('staging');
    const repo = await initRepository(staging, PASSPHRASE);
    const catalog = new Catalog(temp('app'), repo.config.id);
    const progress: number[] = [];
    const result = await runBackup(backupOptions(repo, catalog, [source], { onProgress: (p) => progress.push(p.bytesDone) }));
    expect(result.warnings.map((w) => w.reason)).toEqual([expect.stringContaining('named pipe')]);
    expect(result.files).toBeGreaterThan(10);

    const to = temp('restore');
    const { warnings } = await restoreAll(await openRepository(staging, PASSPHRASE), to);
    expect(warnings).toEqual([expect.stringContaining('a-fifo')]);
    expect(describeTree(join(to, 'data'))).toEqual(describeTree(source));
    // The sparse file came back sparse: far fewer blocks than its 96 MiB.
    expect(allocatedBytes(join(to, 'data', 'sparse.img'))).toBeLessThan(8 * 1024 * 1024);
    catalog.close();
  }, 120_000);

  it('stores nothing that reveals names or contents, and a second backup writes only new chunks', async () => {
    const source = join(temp('src'), 'projects');
    makeOddTree(source);
    const staging = temp('staging');
    const repo = await initRepository(staging, PASSPHRASE);
    const catalog = new Catalog(temp('app'), repo.config.id);
    const first = await runBackup(backupOptions(repo, catalog, [source]));
    const stagingBytes = readAll(staging);
    for (const needle of ['notes.txt', 'Seedship restores this', 'job=42 state=ok', 'projects', 'level-0']) expect(stagingBytes.includes(Buffer.from(needle))).toBe(false);

    const packsBefore = (await listPacks(repo.dir)).length;
    const second = await runBackup(backupOptions(repo, catalog, [source]));
    expect(second.unchangedFiles).toBe(second.files - 1); // all but the hard link's second name
    // Only the new snapshot's tree was written.
    expect(second.bytesWritten).toBeLessThan(first.bytesWritten / 100);

    writeFileSync(join(source, 'new-file.txt'), 'added after the first backup\n');
    const third = await runBackup(backupOptions(repo, catalog, [source]));
    expect(third.files).toBe(second.files + 1);
    expect((await listPacks(repo.dir)).length).toBeGreaterThan(packsBefore);
    const to = temp('restore');
    await restoreAll(repo, to, { snapshotId: third.snapshotId, paths: ['projects/new-file.txt', 'projects/nested'] });
    expect(readdirSync(join(to, 'projects')).sort()).toEqual(['nested', 'new-file.txt']);
    expect(readFileSync(join(to, 'projects', 'new-file.txt'), 'utf8')).toBe('added after the first backup\n');
    catalog.close();
  }, 120_000);

  it('records a tree in walk order, so backing up an unchanged tree again writes nothing', async () => {
    const source = temp('src');
    // Big files first in each folder and small ones after: the small ones finish first.
    for (const dir of ['a', 'b']) {
      mkdirSync(join(source, dir));
      for (let i = 0; i < 4; i += 1) writeFileSync(join(source, dir, `${i}-big.bin`), randomBytes(6 * 1024 * 1024));
      for (let i = 0; i < 40; i += 1) writeFileSync(join(source, dir, `${i}-small.txt`), `small file ${dir}/${i}\n`);
    }
    // Access times in the future: reading doesn't move them (relatime), so the entries stay the same.
    const later = new Date(Date.now() + 10 * 24 * 3600 * 1000);
    for (const dir of ['a', 'b', '.']) for (const name of readdirSync(join(source, dir))) utimesSync(join(source, dir, name), later, statSync(join(source, dir, name)).mtime);
    utimesSync(source, later, statSync(source).mtime);
    const repo = await initRepository(temp('staging'), PASSPHRASE);
    const catalog = new Catalog(temp('app'), repo.config.id);
    const first = await runBackup(backupOptions(repo, catalog, [source], { workers: 2 }));
    const second = await runBackup(backupOptions(repo, catalog, [source]));
    expect(second.unchangedFiles).toBe(first.files);
    expect(second.bytesWritten).toBe(0);
    catalog.close();
  }, 120_000);

  it('refuses a wrong passphrase before restoring anything', async () => {
    const staging = temp('staging');
    await initRepository(staging, PASSPHRASE);
    await expect(openRepository(staging, 'a different passphrase entirely')).rejects.toMatchObject({ code: 'VALIDATION', field: 'passphrase' });
  }, 30_000);

  it('reports a file that keeps changing while it is read, and still finishes', async () => {
    const source = temp('src');
    writeFileSync(join(source, 'steady.txt'), 'steady\n');
    // Big enough that reading it takes a while; a writer keeps rewriting its first byte meanwhile.
    const busy = join(source, 'growing.log');
    writeFileSync(busy, randomBytes(48 * 1024 * 1024));
    const before = statSync(busy).mtimeMs;
    const writer = spawn(process.execPath, ['-e', `const fs = require('fs'); const fd = fs.openSync(${JSON.stringify(busy)}, 'r+'); for (;;) fs.writeSync(fd, 'x', 0);`], { stdio: 'ignore' });
    try {
      // Start only once the writer is really writing (no fixed sleep).
      while (statSync(busy).mtimeMs === before) await new Promise((r) => setTimeout(r, 5));
      const staging = temp('staging');
      const repo = await initRepository(staging, PASSPHRASE);
      const catalog = new Catalog(temp('app'), repo.config.id);
      const result = await runBackup(backupOptions(repo, catalog, [source]));
      expect(result.warnings).toEqual([{ path: join(source, 'growing.log'), reason: expect.stringContaining('changed while it was being read') }]);
      catalog.close();
    } finally {
      writer.kill('SIGKILL');
    }
  }, 60_000);

  it('cancelled midway leaves staging consistent, and the next backup completes and restores', async () => {
    const source = join(temp('src'), 'big');
    makeOddTree(source);
    for (let i = 0; i < 6; i += 1) writeFileSync(join(source, `more-${i}.bin`), Buffer.alloc(20 * 1024 * 1024, i + 1));
    const staging = temp('staging');
    const repo = await initRepository(staging, PASSPHRASE);
    const catalog = new Catalog(temp('app'), repo.config.id);
    const controller = new AbortController();
    await expect(
      runBackup(backupOptions(repo, catalog, [source], { signal: controller.signal, onProgress: (p) => p.bytesDone > 30 * 1024 * 1024 && controller.abort() })),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(readdirSync(join(repo.dir, 'packs')).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
    expect(existsSync(join(repo.dir, 'snapshots')) ? readdirSync(join(repo.dir, 'snapshots')) : []).toEqual([]);
    const done = await runBackup(backupOptions(repo, catalog, [source]));
    const to = temp('restore');
    await restoreAll(repo, to, { snapshotId: done.snapshotId });
    expect(describeTree(join(to, 'big'))).toEqual(describeTree(source));
    catalog.close();
  }, 120_000);
});

function readAll(dir: string): Buffer {
  const parts: Buffer[] = [];
  const visit = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const abs = join(d, e.name);
      parts.push(Buffer.from(e.name));
      if (e.isDirectory()) visit(abs);
      else parts.push(readFileSync(abs));
    }
  };
  visit(dir);
  return Buffer.concat(parts);
}

describe('staging is the truth', () => {
  it('a pack deleted from staging is noticed: the next backup stores its chunks again and restores', async () => {
    const source = join(temp('src'), 'reports');
    makeOddTree(source);
    const staging = temp('staging');
    const repo = await initRepository(staging, PASSPHRASE);
    const catalog = new Catalog(temp('app'), repo.config.id);
    await runBackup(backupOptions(repo, catalog, [source]));
    const packs = await listPacks(repo.dir);
    // The biggest pack holds file data (the small ones hold trees).
    const victim = packs.map((p) => ({ p, size: statSync(p).size })).sort((a, b) => b.size - a.size)[0]!.p;
    rmSync(victim);
    const again = await runBackup(backupOptions(repo, catalog, [source]));
    expect(again.bytesWritten).toBeGreaterThan(statSync(join(source, 'random.bin')).size / 2);
    const to = temp('restore');
    await restoreAll(repo, to, { snapshotId: again.snapshotId });
    expect(describeTree(join(to, 'reports'))).toEqual(describeTree(source));
    catalog.close();
  }, 120_000);
});
