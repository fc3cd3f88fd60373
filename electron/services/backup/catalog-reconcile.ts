import { basename } from 'node:path';
import { listPacks, readPackEntries, removeIncompletePacks } from '../../workers/backup/pack-file';
import type { RepositoryKeys } from '../../workers/backup/chunk-crypto';
import type { Catalog } from './catalog';

export interface ReconcileReport {
  removedTemporary: number;
  forgotten: number;
  learned: number;
  unfinishedSnapshots: number;
}

/**
 * Brings the catalog in line with staging before a backup: half-written packs of an interrupted
 * run are deleted, packs that vanished from staging are forgotten (so their chunks get stored
 * again), and complete packs the catalog never heard of (a kill -9 between rename and record) are
 * read back from their sealed headers. `remotePacks` names packs held elsewhere (the vault): those are
 * not forgotten when absent from the folder.
 */
export async function reconcileCatalog(catalog: Catalog, repoDir: string, keys: RepositoryKeys, remotePacks?: ReadonlySet<string>): Promise<ReconcileReport> {
  const removedTemporary = await removeIncompletePacks(repoDir);
  const unfinishedSnapshots = catalog.removeUnfinishedSnapshots();
  const onDisk = new Map((await listPacks(repoDir)).map((path) => [basename(path, '.pack'), path]));
  const known = new Set(catalog.packIds());
  // Packs kept in the vault (staging cleaned up after seeding) are stored, just not here.
  const gone = [...known].filter((id) => !onDisk.has(id) && !remotePacks?.has(id));
  catalog.removePacks(gone);
  let learned = 0;
  for (const [id, path] of onDisk) {
    if (known.has(id)) continue;
    const entries = await readPackEntries(path, keys);
    catalog.addPack(id, entries.reduce((n, e) => n + e.length, 0), entries.map((e) => ({ ...e, rawLength: 0 })));
    learned += 1;
  }
  return { removedTemporary, forgotten: gone.length, learned, unfinishedSnapshots };
}
