import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { openChunk, sealChunk, type RepositoryKeys } from './chunk-crypto';

/**
 * Pack files bundle many sealed chunks so a repository holds thousands of files, not millions
 * (restic's design). Layout: the sealed blobs back to back, then a sealed header listing each blob's
 * id, offset and length, then the header's length (u32 LE). The file is named by the SHA-256 of its
 * bytes, so a damaged or truncated pack is recognised.
 */
export interface PackEntry {
  id: string;
  offset: number;
  length: number;
}

export interface FinishedPack {
  packId: string;
  path: string;
  size: number;
  entries: PackEntry[];
}

/** Packs close at this size: large enough for fast copies, small enough to lose little to a crash. */
export const PACK_TARGET_BYTES = 16 * 1024 * 1024;
const HEADER_ID = 'seedship-pack-header-v1';
const TEMP_PREFIX = '.tmp-';

export function packsDir(repoDir: string): string {
  return join(repoDir, 'packs');
}

/**
 * Writes chunks into packs atomically: a pack is written under a temporary name, fsynced, then
 * renamed to its final name (and the folder fsynced), so after a crash a pack is either complete
 * or absent; temporary leftovers are swept by `removeIncompletePacks`.
 */
export class PackWriter {
  private file: FileHandle | null = null;
  private tempPath = '';
  private hash = createHash('sha256');
  private entries: PackEntry[] = [];
  private size = 0;

  constructor(
    private readonly repoDir: string,
    private readonly keys: RepositoryKeys,
    private readonly targetBytes = PACK_TARGET_BYTES,
  ) {}

  /** Adds a sealed chunk; returns the pack it completed, if this chunk filled one. */
  async add(id: string, sealed: Uint8Array): Promise<FinishedPack | null> {
    if (!this.file) await this.begin();
    await this.append(sealed);
    this.entries.push({ id, offset: this.size - sealed.length, length: sealed.length });
    return this.size >= this.targetBytes ? this.finish() : null;
  }

  /** Finishes the pack in progress, if any (end of a backup). */
  async flush(): Promise<FinishedPack | null> {
    return this.file ? this.finish() : null;
  }

  /** Drops the pack in progress (cancel): nothing of it becomes visible. */
  async abort(): Promise<void> {
    const file = this.file;
    this.file = null;
    if (file) {
      await file.close();
      await rm(this.tempPath, { force: true });
    }
  }

  private async begin(): Promise<void> {
    const dir = packsDir(this.repoDir);
    await mkdir(dir, { recursive: true });
    this.tempPath = join(dir, `${TEMP_PREFIX}${randomBytes(8).toString('hex')}`);
    this.file = await open(this.tempPath, 'wx', 0o600);
    this.hash = createHash('sha256');
    this.entries = [];
    this.size = 0;
  }

  private async append(data: Uint8Array): Promise<void> {
    await (this.file as FileHandle).write(data, 0, data.length, this.size);
    this.hash.update(data);
    this.size += data.length;
  }

  private async finish(): Promise<FinishedPack> {
    const header = sealChunk(this.keys, HEADER_ID, Buffer.from(JSON.stringify({ version: 1, blobs: this.entries })));
    const length = Buffer.alloc(4);
    length.writeUInt32LE(header.length);
    await this.append(header);
    await this.append(length);
    const file = this.file as FileHandle;
    await file.sync();
    await file.close();
    this.file = null;
    const packId = this.hash.digest('hex');
    const finalDir = join(packsDir(this.repoDir), packId.slice(0, 2));
    await mkdir(finalDir, { recursive: true });
    const path = join(finalDir, `${packId}.pack`);
    await rename(this.tempPath, path);
    await syncDirectory(finalDir);
    return { packId, path, size: this.size, entries: this.entries };
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Reads and authenticates a pack's header: the list of chunks inside. */
export async function readPackEntries(path: string, keys: RepositoryKeys): Promise<PackEntry[]> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size < 4) throw new Error(`${basename(path)} is truncated.`);
    const tail = Buffer.alloc(4);
    await handle.read(tail, 0, 4, size - 4);
    const headerLength = tail.readUInt32LE(0);
    if (headerLength + 4 > size) throw new Error(`${basename(path)} is truncated.`);
    const header = Buffer.alloc(headerLength);
    await handle.read(header, 0, headerLength, size - 4 - headerLength);
    const parsed = JSON.parse(openChunk(keys, HEADER_ID, header).toString('utf8')) as { version: number; blobs: PackEntry[] };
    return parsed.blobs;
  } finally {
    await handle.close();
  }
}

/** Reads one sealed chunk out of a pack. */
export async function readPackBlob(path: string, entry: PackEntry): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const data = Buffer.alloc(entry.length);
    const { bytesRead } = await handle.read(data, 0, entry.length, entry.offset);
    if (bytesRead !== entry.length) throw new Error(`${basename(path)} is truncated.`);
    return data;
  } finally {
    await handle.close();
  }
}

/** Whether a pack's bytes still hash to its name (disk prep and restore verify with this). */
export async function verifyPackName(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const hash = createHash('sha256');
    for await (const piece of handle.createReadStream()) hash.update(piece as Buffer);
    return `${hash.digest('hex')}.pack` === basename(path);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** Every complete pack in a repository (temporary files of interrupted runs are not packs). */
export async function listPacks(repoDir: string): Promise<string[]> {
  const root = packsDir(repoDir);
  const found: string[] = [];
  for (const sub of await readdir(root).catch(() => [] as string[])) {
    if (sub.startsWith(TEMP_PREFIX)) continue;
    const dir = join(root, sub);
    if (!(await stat(dir)).isDirectory()) continue;
    for (const name of await readdir(dir)) if (/^[0-9a-f]{64}\.pack$/.test(name)) found.push(join(dir, name));
  }
  return found.sort();
}

/** Removes what an interrupted backup left half-written; returns how many files went. */
export async function removeIncompletePacks(repoDir: string): Promise<number> {
  const root = packsDir(repoDir);
  const temps = (await readdir(root).catch(() => [] as string[])).filter((n) => n.startsWith(TEMP_PREFIX));
  await Promise.all(temps.map((n) => rm(join(root, n), { force: true })));
  return temps.length;
}

