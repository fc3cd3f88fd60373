import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { openChunk, sealChunk, type RepositoryKeys } from './chunk-crypto';

/**
 * A snapshot is a small sealed file in `snapshots/` naming the tree blobs (JSON lines of entries,
 * stored like file data: chunked, compressed, encrypted, in packs). The file's name is random and
 * its body is encrypted, so staging reveals neither names nor sizes of the backed-up files.
 */
export type EntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'special';

export interface TreeEntry {
  /** Path inside the snapshot: `<source name>/<relative path>`, forward slashes. */
  path: string;
  type: EntryType;
  mode: number;
  uid: number;
  gid: number;
  /** Nanoseconds since the epoch, as decimal strings (JSON has no 64-bit integers). */
  mtimeNs: string;
  atimeNs: string;
  size: number;
  /** file: chunk ids in order, with their lengths (restore seeks past zero chunks of sparse files). */
  chunks?: string[];
  sizes?: number[];
  zero?: number[];
  sparse?: boolean;
  /** symlink: the target as stored in the link (never followed). */
  target?: string;
  /** hardlink: the snapshot path of the first name of the same inode. */
  linkTo?: string;
  /** special: what it was (FIFO, socket, device); recorded, not backed up. */
  kind?: string;
}

export interface SnapshotSource {
  /** The folder or file on the machine backed up. */
  path: string;
  /** Its top-level name inside the snapshot (the base name, made unique). */
  name: string;
}

export interface SnapshotDocument {
  version: 1;
  id: string;
  createdAt: string;
  hostname: string;
  jobName: string | null;
  sources: SnapshotSource[];
  tree: string[];
  stats: { files: number; dirs: number; bytes: number; bytesWritten: number; warnings: number };
}

export const SNAPSHOTS_FOLDER = 'snapshots';

function aad(id: string): string {
  return `seedship-snapshot:${id}`;
}

export async function writeSnapshot(repoDir: string, keys: RepositoryKeys, snapshot: SnapshotDocument): Promise<string> {
  const dir = join(repoDir, SNAPSHOTS_FOLDER);
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${snapshot.id}.snapshot`);
  const temp = `${path}.tmp-${randomBytes(6).toString('hex')}`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(sealChunk(keys, aad(snapshot.id), Buffer.from(JSON.stringify(snapshot))));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
  const dirHandle = await open(dir, 'r');
  await dirHandle.sync().finally(() => dirHandle.close());
  return path;
}

export async function readSnapshot(repoDir: string, keys: RepositoryKeys, id: string): Promise<SnapshotDocument> {
  if (!/^[0-9a-f-]{36}$/.test(id)) throw new Error(`"${id}" is not a snapshot id.`);
  const sealed = await readFile(join(repoDir, SNAPSHOTS_FOLDER, `${id}.snapshot`));
  return JSON.parse(openChunk(keys, aad(id), sealed).toString('utf8')) as SnapshotDocument;
}

/** Every complete snapshot in the repository, oldest first. */
export async function listSnapshots(repoDir: string, keys: RepositoryKeys): Promise<SnapshotDocument[]> {
  const names = await readdir(join(repoDir, SNAPSHOTS_FOLDER)).catch(() => [] as string[]);
  const ids = names.filter((n) => /^[0-9a-f-]{36}\.snapshot$/.test(n)).map((n) => n.slice(0, -'.snapshot'.length));
  const docs = await Promise.all(ids.map((id) => readSnapshot(repoDir, keys, id)));
  return docs.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** Serialises entries as JSON lines, cut into blobs of about `blobBytes` so no blob grows unbounded. */
export class TreeBlobBuilder {
  private lines: string[] = [];
  private bytes = 0;

  constructor(private readonly blobBytes = 1024 * 1024) {}

  /** Adds an entry's JSON (one line); returns a full blob's bytes when this entry filled one. */
  addLine(line: string): Buffer | null {
    this.lines.push(line);
    this.bytes += line.length + 1;
    return this.bytes >= this.blobBytes ? this.take() : null;
  }

  finish(): Buffer | null {
    return this.lines.length > 0 ? this.take() : null;
  }

  private take(): Buffer {
    const blob = Buffer.from(`${this.lines.join('\n')}\n`, 'utf8');
    this.lines = [];
    this.bytes = 0;
    return blob;
  }
}

export function parseTreeBlob(blob: Buffer): TreeEntry[] {
  return blob
    .toString('utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as TreeEntry);
}
