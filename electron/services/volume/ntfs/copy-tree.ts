import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, mkdir, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { SeedshipError } from '../../../../shared/api/errors';

export interface TreeTotals {
  files: number;
  bytes: number;
}

/** Counts the regular files and bytes under `root`; refuses links and special files (NTFS copies only data). */
export async function measureTree(root: string, signal?: AbortSignal): Promise<TreeTotals> {
  const totals = { files: 0, bytes: 0 };
  await walk(root, root, signal, async (_path, size) => {
    totals.files += 1;
    totals.bytes += size;
  });
  return totals;
}

/** Copies `source` into `target` (an ntfs-3g mount), reporting bytes as they land. */
export async function copyTree(source: string, target: string, o: { signal?: AbortSignal; onBytes?: (bytes: number) => void }): Promise<void> {
  await walk(
    source,
    source,
    o.signal,
    async (path) => {
      const input = createReadStream(path, { highWaterMark: 1024 * 1024 });
      if (o.onBytes) input.on('data', (chunk) => o.onBytes?.(chunk.length));
      await pipeline(input, createWriteStream(join(target, relative(source, path))), { signal: o.signal });
    },
    async (dir) => {
      await mkdir(join(target, relative(source, dir)), { recursive: true });
    },
  );
}

async function walk(
  root: string,
  dir: string,
  signal: AbortSignal | undefined,
  onFile: (path: string, size: number) => Promise<void>,
  onDir?: (path: string) => Promise<void>,
): Promise<void> {
  if (signal?.aborted) throw new SeedshipError('CANCELLED', 'The copy was cancelled.');
  await onDir?.(dir);
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(root, path, signal, onFile, onDir);
    else if (entry.isFile()) await onFile(path, (await lstat(path)).size);
    else throw new SeedshipError('VALIDATION', `${relative(root, path)} is a link or special file; only folders and regular files can go on the drive.`, 'source');
  }
}
