import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { openChunk, sealChunk, type RepositoryKeys } from './chunk-crypto';

/**
 * Pack files bundle many sealed chunks so a repository holds thousands of files, not millions
 * (restic's design). Layout: the sealed blobs back to back, then a sealed header listing each blob's
 * id, offset and length, then the header's length (u32 LE). The file is named by the SHA-256 of its
 * sealed header, which lists every blob: hashing the header alone costs nothing, and every blob and
 * the header carry their own authentication tags, so damage or truncation is still recognised
 * (`verifyPack`).
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
const WRITE_BATCH_BYTES = 1024 * 1024;
/** Packs being fsynced in the background at once; more waits (fsync is the disk's pace, not ours). */
const MAX_FINISHING = 2;
const TEMP_PREFIX = '.tmp-';

export function packsDir(repoDir: string): string {
  return join(repoDir, 'packs');
}

interface OpenPack {
  file: FileHandle;
  tempPath: string;
  entries: PackEntry[];
  size: number;
  pending: Uint8Array[];
  pendingBytes: number;
}

/**
 * Writes chunks into packs atomically: a pack is written under a temporary name, fsynced, then
 * renamed to its final name (and the folder fsynced), so after a crash a pack is either complete
 * or absent; temporary leftovers are swept by `removeIncompletePacks`. The fsync and rename of a
 * full pack run in the background while the next pack fills, so the disk's latency doesn't stall
 * the CPU work; `flush` waits for all of them.
 */
export class PackWriter {
  private current: OpenPack | null = null;
  /** Packs being written out and fsynced under their temporary names. */
  private finishing: Promise<void>[] = [];
  /** Packs waiting for `visible`, then renamed to their final names. */
  private publishing: Promise<void>[] = [];
  private finished: FinishedPack[] = [];

  constructor(
    private readonly repoDir: string,
    private readonly keys: RepositoryKeys,
    private readonly targetBytes = PACK_TARGET_BYTES,
    /** Called as each pack becomes complete on disk. */
    private readonly onFinished: (pack: FinishedPack) => void = () => undefined,
    /** Packs get their final names only once this settles (a new repository's config is saved). */
    private readonly visible: Promise<void> = Promise.resolve(),
  ) {
    // A refusal is reported by the first pack that waits for it (flush rejects): until then it is
    // expected, not an unhandled rejection.
    visible.catch(() => undefined);
  }

  /** Adds a sealed chunk (whole, or in the pieces `sealChunkParts` gives); a pack it fills is finished in the background. */
  async add(id: string, sealed: Uint8Array | readonly Uint8Array[]): Promise<void> {
    const pack = this.current ?? (this.current = await this.begin());
    const parts = sealed instanceof Uint8Array ? [sealed] : sealed;
    const length = parts.reduce((n, p) => n + p.length, 0);
    pack.entries.push({ id, offset: pack.size, length });
    for (const part of parts) await this.append(pack, part);
    if (pack.size >= this.targetBytes) {
      this.current = null;
      this.finishing.push(this.finish(pack));
      if (this.finishing.length > MAX_FINISHING) await this.finishing.shift();
    }
  }

  /** Finishes the pack in progress and waits for every pack to be on disk; returns those finished since the last flush. */
  async flush(): Promise<FinishedPack[]> {
    const pack = this.current;
    this.current = null;
    if (pack) this.finishing.push(this.finish(pack));
    await Promise.all(this.finishing.splice(0));
    await Promise.all(this.publishing.splice(0));
    return this.finished.splice(0);
  }

  /** Drops the pack in progress (cancel): nothing of it becomes visible. Packs already full still complete. */
  async abort(): Promise<void> {
    const pack = this.current;
    this.current = null;
    if (pack) {
      await pack.file.close();
      await rm(pack.tempPath, { force: true });
    }
    await Promise.allSettled(this.finishing.splice(0));
    await Promise.allSettled(this.publishing.splice(0));
  }

  private async begin(): Promise<OpenPack> {
    const dir = packsDir(this.repoDir);
    await mkdir(dir, { recursive: true });
    const tempPath = join(dir, `${TEMP_PREFIX}${randomBytes(8).toString('hex')}`);
    return { file: await open(tempPath, 'wx', 0o600), tempPath, entries: [], size: 0, pending: [], pendingBytes: 0 };
  }

  /** Small chunks are gathered and written together: one write per chunk costs more than the data. */
  private async append(pack: OpenPack, data: Uint8Array): Promise<void> {
    pack.pending.push(data);
    pack.pendingBytes += data.length;
    pack.size += data.length;
    if (pack.pendingBytes >= WRITE_BATCH_BYTES) await writePending(pack);
  }

  private async finish(pack: OpenPack): Promise<void> {
    const header = sealChunk(this.keys, HEADER_ID, Buffer.from(JSON.stringify({ version: 1, blobs: pack.entries })));
    const length = Buffer.alloc(4);
    length.writeUInt32LE(header.length);
    await this.append(pack, header);
    await this.append(pack, length);
    await writePending(pack);
    await pack.file.sync();
    await pack.file.close();
    const packId = createHash('sha256').update(header).digest('hex');
    const published = this.publish(pack, packId);
    this.publishing.push(published);
    // A published pack leaves the list; a failed one stays for flush or abort to report (and is
    // handled here so it isn't an unhandled rejection meanwhile).
    published.then(
      () => {
        const at = this.publishing.indexOf(published);
        if (at >= 0) this.publishing.splice(at, 1);
      },
      () => undefined,
    );
  }

  private async publish(pack: OpenPack, packId: string): Promise<void> {
    await this.visible;
    const finalDir = join(packsDir(this.repoDir), packId.slice(0, 2));
    await mkdir(finalDir, { recursive: true });
    const path = join(finalDir, `${packId}.pack`);
    await rename(pack.tempPath, path);
    await syncDirectory(finalDir);
    const done = { packId, path, size: pack.size, entries: pack.entries };
    this.finished.push(done);
    this.onFinished(done);
  }
}

async function writePending(pack: OpenPack): Promise<void> {
  if (pack.pending.length === 0) return;
  const parts = pack.pending;
  const position = pack.size - pack.pendingBytes;
  pack.pending = [];
  pack.pendingBytes = 0;
  await pack.file.writev(parts, position);
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
    return openPackHeader(keys, header);
  } finally {
    await handle.close();
  }
}

/** Authenticates a pack's sealed header (read from wherever the pack is) and gives its blob list. */
export function openPackHeader(keys: RepositoryKeys, header: Uint8Array): PackEntry[] {
  const parsed = JSON.parse(openChunk(keys, HEADER_ID, header).toString('utf8')) as { version: number; blobs: PackEntry[] };
  return parsed.blobs;
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

/**
 * Whether a pack is intact: its header opens and hashes to the pack's name, and every blob it lists
 * is present and authenticates. Returns the problem, or null.
 */
export async function verifyPack(path: string, keys: RepositoryKeys): Promise<string | null> {
  let entries: PackEntry[];
  try {
    entries = await readPackEntries(path, keys);
  } catch (error) {
    return (error as Error).message;
  }
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const tail = Buffer.alloc(4);
    await handle.read(tail, 0, 4, size - 4);
    const header = Buffer.alloc(tail.readUInt32LE(0));
    await handle.read(header, 0, header.length, size - 4 - header.length);
    if (`${createHash('sha256').update(header).digest('hex')}.pack` !== basename(path)) return `${basename(path)} does not match its name.`;
    for (const entry of entries) {
      const blob = Buffer.alloc(entry.length);
      const { bytesRead } = await handle.read(blob, 0, entry.length, entry.offset);
      if (bytesRead !== entry.length) return `${basename(path)} is truncated.`;
      try {
        openChunk(keys, entry.id, blob);
      } catch (error) {
        return (error as Error).message;
      }
    }
    return null;
  } finally {
    await handle.close();
  }
}

/** Every complete pack in a repository (temporary files of interrupted runs are not packs). */
export async function listPacks(repoDir: string): Promise<string[]> {
  const root = packsDir(repoDir);
  const subs = (await readdir(root, { withFileTypes: true }).catch(() => [])).filter((d) => d.isDirectory() && !d.name.startsWith(TEMP_PREFIX));
  // All folders at once: one after another, a few hundred round trips to the I/O threads cost tens of ms.
  const names = await Promise.all(subs.map(async (d) => (await readdir(join(root, d.name))).filter((name) => /^[0-9a-f]{64}\.pack$/.test(name)).map((name) => join(root, d.name, name))));
  return names.flat().sort();
}

/** Removes what an interrupted backup left half-written; returns how many files went. */
export async function removeIncompletePacks(repoDir: string): Promise<number> {
  const root = packsDir(repoDir);
  const temps = (await readdir(root).catch(() => [] as string[])).filter((n) => n.startsWith(TEMP_PREFIX));
  await Promise.all(temps.map((n) => rm(join(root, n), { force: true })));
  return temps.length;
}

