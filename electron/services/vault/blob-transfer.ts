import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { ContainerClient } from '@azure/storage-blob';
import { SeedshipError } from '../../../shared/api/errors';
import type { ContainerAccess } from './vault-storage';

/** The repository's folder name in staging, and so the blob name prefix of every seed file. */
export const REPO_PREFIX = 'seedship-repository/';
/** Blobs copied or uploaded at once: enough to hide round trips, few enough to stay polite. */
const PARALLEL = 8;

export interface RemoteBlob {
  name: string;
  size: number;
  /** Base64 Content-MD5, when the blob has one. */
  md5: string | null;
  copyStatus: string | null;
}

/** Every blob under `prefix`, by full name. */
export async function listBlobs(container: ContainerClient, prefix: string): Promise<Map<string, RemoteBlob>> {
  const found = new Map<string, RemoteBlob>();
  if (!(await container.exists())) return found;
  for await (const blob of container.listBlobsFlat({ prefix, includeCopy: true })) {
    const md5 = blob.properties.contentMD5;
    found.set(blob.name, {
      name: blob.name,
      size: blob.properties.contentLength ?? 0,
      md5: md5 && md5.length > 0 ? Buffer.from(md5).toString('base64') : null,
      copyStatus: blob.properties.copyStatus ?? null,
    });
  }
  return found;
}

/** Runs `work` over `items`, `PARALLEL` at a time, stopping at the first failure or at `signal`. */
export async function inParallel<T>(items: readonly T[], signal: AbortSignal, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      if (signal.aborted) throw new SeedshipError('CANCELLED', 'Cancelled: what was copied so far stays, and the next run continues from there.');
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, lane));
}

/**
 * Server-side copy of every seed blob of the import container into the vault container under
 * `prefix`: Azure moves the bytes between the accounts, nothing goes through this machine. The
 * source is read with a short-lived read-only SAS. Blobs already copied whole are skipped, so an
 * interrupted seed resumes.
 */
export async function copySeedBlobs(options: {
  source: ContainerAccess;
  target: ContainerAccess;
  blobs: readonly RemoteBlob[];
  prefix: string;
  signal: AbortSignal;
  onCopied(bytes: number): void;
}): Promise<void> {
  const { generateBlobSASQueryParameters, ContainerSASPermissions } = await import('@azure/storage-blob');
  const sas = generateBlobSASQueryParameters(
    {
      containerName: options.source.container.containerName,
      permissions: ContainerSASPermissions.parse('r'),
      startsOn: new Date(Date.now() - 5 * 60_000),
      // An asynchronous copy reads its source until it completes: a week covers terabytes.
      expiresOn: new Date(Date.now() + 7 * 24 * 3600_000),
    },
    options.source.credential,
  ).toString();
  await options.target.container.createIfNotExists();
  const existing = await listBlobs(options.target.container, options.prefix);
  await inParallel(options.blobs, options.signal, async (blob) => {
    const destName = `${options.prefix}${blob.name}`;
    const there = existing.get(destName);
    if (there && there.size === blob.size && (there.copyStatus === null || there.copyStatus === 'success') && there.md5 === blob.md5) {
      options.onCopied(blob.size);
      return;
    }
    const sourceUrl = `${options.source.container.getBlobClient(blob.name).url}?${sas}`;
    const poller = await options.target.container.getBlobClient(destName).beginCopyFromURL(sourceUrl, { intervalInMs: 2000, abortSignal: options.signal });
    const result = await poller.pollUntilDone();
    if (result.copyStatus && result.copyStatus !== 'success') throw new SeedshipError('UNAVAILABLE', `Azure did not finish copying ${blob.name} into the vault (${result.copyStatus}).`);
    options.onCopied(blob.size);
  });
}

/** Every regular file under a folder, as paths relative to it with "/" separators. */
export async function localFiles(root: string): Promise<{ path: string; size: number }[]> {
  const out: { path: string; size: number }[] = [];
  for (const entry of await readdir(root, { withFileTypes: true, recursive: true }).catch(() => [])) {
    if (!entry.isFile() || entry.name.includes('.tmp-')) continue;
    const full = join(entry.parentPath, entry.name);
    out.push({ path: relative(root, full).split(sep).join('/'), size: (await stat(full)).size });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/** Downloads one blob to a file, atomically (temporary name, then rename). */
export async function downloadBlob(container: ContainerClient, name: string, to: string, signal: AbortSignal): Promise<void> {
  await mkdir(dirname(to), { recursive: true, mode: 0o700 });
  const temp = `${to}.tmp-${randomBytes(6).toString('hex')}`;
  try {
    await container.getBlobClient(name).downloadToFile(temp, 0, undefined, { abortSignal: signal });
    await rename(temp, to);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Uploads one file as a block blob (4 MiB blocks, a few in flight). */
export async function uploadFile(container: ContainerClient, name: string, from: string, signal: AbortSignal, onBytes?: (loaded: number) => void): Promise<void> {
  await container.getBlockBlobClient(name).uploadFile(from, {
    blockSize: 4 * 1024 * 1024,
    concurrency: 4,
    abortSignal: signal,
    ...(onBytes ? { onProgress: (p: { loadedBytes: number }) => onBytes(p.loadedBytes) } : {}),
  });
}
