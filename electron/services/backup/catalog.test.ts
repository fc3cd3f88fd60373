import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../store/database';
import { Catalog, CATALOG_MIGRATIONS, type CatalogRow } from './catalog';
import { tempDirs } from './testing/temp-dirs';

const temp = tempDirs();

/** A file's row as a backup records it: `version` stands for its size, times and contents. */
function row(path: string, version: number): CatalogRow {
  return { path, type: 'file', json: JSON.stringify({ path, version }), identity: { size: version, mtimeNs: String(version), ctimeNs: String(version), ino: '1' } };
}

/** One backup as backup-run.ts drives the catalog: each file compared with the previous snapshot's row, unchanged ones kept. */
function backUp(catalog: Catalog, id: string, files: Record<string, number>, complete = true): void {
  catalog.beginSnapshot(id, ['/src'], 'job');
  const folders = new Map<string, ReturnType<Catalog['folder']>>();
  const rows = Object.entries(files).map(([path, version]) => {
    const dir = path.slice(0, path.lastIndexOf('/'));
    if (!folders.has(dir)) folders.set(dir, catalog.folder(dir, id));
    const before = folders.get(dir)?.get(path);
    return before && before.identity.size === version ? { ...row(path, version), copyOf: before.rowid } : row(path, version);
  });
  catalog.addEntries(id, rows);
  if (complete) catalog.completeSnapshot(id, { files: rows.length, bytes: 0, bytesWritten: 0 });
}

/** The previous snapshot's files in `dir`, as the backup `running` (or the next one) sees them. */
function previous(catalog: Catalog, running = 'next', dir = 'src'): Record<string, { version: number; rowid: number }> {
  return Object.fromEntries([...catalog.folder(dir, running).entries()].map(([path, e]) => [path, { version: e.identity.size, rowid: e.rowid }]));
}

describe('the backup catalog', () => {
  it('keeps an unchanged file’s row, replaces a changed one, forgets a deleted one, and adds a new one', () => {
    const catalog = new Catalog(temp('catalog'), 'repo');
    backUp(catalog, 's1', { 'src/a': 1, 'src/b': 1, 'src/c': 1 });
    const first = previous(catalog);
    backUp(catalog, 's2', { 'src/a': 1, 'src/b': 2, 'src/d': 1 });
    const second = previous(catalog);
    expect(Object.keys(second).sort()).toEqual(['src/a', 'src/b', 'src/d']);
    expect(second['src/a']).toEqual(first['src/a']); // the same row, not a copy
    expect(second['src/b']?.version).toBe(2);
    catalog.close();
  });

  it('leaves the previous snapshot’s rows as they were when a backup never completes', () => {
    const catalog = new Catalog(temp('catalog'), 'repo');
    backUp(catalog, 's1', { 'src/a': 1, 'src/b': 1 });
    const before = previous(catalog);
    backUp(catalog, 's2', { 'src/a': 2, 'src/c': 1 }, false);
    // While it runs, its own rows are not "previous" to it.
    expect(previous(catalog, 's2')).toEqual(before);
    expect(catalog.removeUnfinishedSnapshots()).toBe(1);
    expect(previous(catalog)).toEqual(before);
    expect(catalog.latestSnapshot()?.id).toBe('s1');
    catalog.close();
  });

  it('does not grow with backups that find nothing changed', () => {
    const catalog = new Catalog(temp('catalog'), 'repo');
    const files = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`src/f${i}`, 1]));
    backUp(catalog, 's1', files);
    for (let i = 2; i <= 6; i += 1) backUp(catalog, `s${i}`, files);
    const db = new Database(catalog.path, { readonly: true });
    expect(db.prepare('SELECT COUNT(*) FROM files').pluck().get()).toBe(2000);
    expect(db.prepare("SELECT COUNT(*) FROM files WHERE added_by != 's1'").pluck().get()).toBe(0);
    db.close();
    catalog.close();
  });

  it('upgrades an older catalog to the latest complete snapshot’s rows', () => {
    const dataDir = temp('catalog');
    const path = join(dataDir, 'catalogs', 'repo.db');
    new Catalog(dataDir, 'repo').close(); // creates the folder
    const old = new Database(path);
    old.pragma('user_version = 0');
    old.exec('DROP TABLE files; DROP TABLE snapshots; DROP TABLE chunks; DROP TABLE packs;');
    migrate(old, CATALOG_MIGRATIONS.slice(0, 2));
    const snapshot = old.prepare("INSERT INTO snapshots (id, created_at, status, sources, job_name) VALUES (?, ?, ?, '[]', NULL)");
    snapshot.run('old', '2026-01-01T00:00:00Z', 'complete');
    snapshot.run('latest', '2026-02-01T00:00:00Z', 'complete');
    snapshot.run('crashed', '2026-03-01T00:00:00Z', 'running');
    const file = old.prepare("INSERT INTO files (snapshot_id, path, dir, type, size, mtime_ns, ctime_ns, ino, entry) VALUES (?, ?, 'src', 'file', ?, '1', '1', '1', '{}')");
    for (const id of ['old', 'latest', 'crashed']) for (const name of ['a', 'b']) file.run(id, `src/${name}`, id === 'latest' ? 7 : 1);
    old.close();

    const catalog = new Catalog(dataDir, 'repo');
    expect(Object.values(previous(catalog)).map((e) => e.version)).toEqual([7, 7]);
    catalog.close();
  });
});
