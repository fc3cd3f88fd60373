import { closeSync, openSync, readSync } from 'node:fs';
import { listPacks, readPackEntries } from './pack-file';
import { chunkId, openChunk, type RepositoryKeys } from './chunk-crypto';
import { unpackChunk } from './chunk-compression';

interface Location {
  pack: string;
  offset: number;
  length: number;
}

/**
 * Where each chunk lives, read from the sealed pack headers in staging. Restore needs only staging
 * and the passphrase (the app's catalog may be on another machine, or gone).
 */
export class ChunkIndex {
  private readonly locations = new Map<string, Location>();
  private readonly handles = new Map<string, number>();

  static async load(repoDir: string, keys: RepositoryKeys): Promise<ChunkIndex> {
    const index = new ChunkIndex(keys);
    for (const pack of await listPacks(repoDir)) {
      for (const entry of await readPackEntries(pack, keys)) index.locations.set(entry.id, { pack, offset: entry.offset, length: entry.length });
    }
    return index;
  }

  private constructor(private readonly keys: RepositoryKeys) {}

  has(id: string): boolean {
    return this.locations.has(id);
  }

  /** The chunk's plaintext, authenticated (GCM) and checked against its keyed name. */
  read(id: string): Buffer {
    const at = this.locations.get(id);
    if (!at) throw new Error(`Chunk ${id.slice(0, 12)} is missing from staging: a pack file was deleted or not copied.`);
    const sealed = Buffer.allocUnsafe(at.length);
    const n = readSync(this.handle(at.pack), sealed, 0, at.length, at.offset);
    if (n !== at.length) throw new Error(`Pack ${at.pack} is truncated.`);
    const plain = unpackChunk(openChunk(this.keys, id, sealed));
    if (chunkId(this.keys, plain) !== id) throw new Error(`Chunk ${id.slice(0, 12)} does not match its name: staging is damaged.`);
    return plain;
  }

  close(): void {
    for (const fd of this.handles.values()) closeSync(fd);
    this.handles.clear();
  }

  private handle(pack: string): number {
    let fd = this.handles.get(pack);
    if (fd === undefined) {
      // Keep a handful of packs open: restore reads them mostly in order.
      if (this.handles.size >= 32) {
        const [oldest, oldFd] = this.handles.entries().next().value as [string, number];
        closeSync(oldFd);
        this.handles.delete(oldest);
      }
      fd = openSync(pack, 'r');
      this.handles.set(pack, fd);
    }
    return fd;
  }
}
