import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerClient } from '@azure/storage-blob';
import { unpackChunk } from '../../workers/backup/chunk-compression';
import { chunkId, openChunk, type RepositoryKeys } from '../../workers/backup/chunk-crypto';
import { openPackHeader, type PackEntry } from '../../workers/backup/pack-file';
import { parseTreeBlob, type SnapshotDocument } from '../../workers/backup/snapshot-format';
import { inParallel, type RemoteBlob } from './blob-transfer';

const PACK_NAME = /(?:^|\/)packs\/[0-9a-f]{2}\/([0-9a-f]{64})\.pack$/;
/** One range read fetches a pack's tail; a header larger than this needs a second read. */
const TAIL_BYTES = 64 * 1024;

interface Located {
  blob: string;
  offset: number;
  length: number;
}

/** Where each chunk lives in the vault (from the pack headers), and the packs found there. */
export interface VaultIndex {
  chunks: Map<string, Located>;
  packs: Set<string>;
}

export interface VerifyOptions {
  vault: ContainerClient;
  /** The vault's blobs under this repository's prefix (after the copy). */
  vaultBlobs: Map<string, RemoteBlob>;
  /** What the seed should hold: the import container's blobs, by name relative to the repository prefix. */
  expected: readonly RemoteBlob[];
  prefix: string;
  keys: RepositoryKeys;
  /** The local staging folder when it still holds the repository: sizes are compared with it too. */
  stagingPath: string | null;
  /** The seed's newest snapshot, decrypted. */
  snapshot: SnapshotDocument | null;
  signal: AbortSignal;
  onChecked(bytes: number): void;
}

/**
 * Checks the vault holds a complete, intact seed, without reading it all back:
 * 1. every blob of the import is in the vault with the same length (and Content-MD5 when Azure has
 *    one; a server-side copy keeps it), and the same length as the staging file when staging is here;
 * 2. every pack's tail is read (a range read): its sealed header hashes to the pack's name (packs
 *    are named by that hash), opens with the repository's key (authenticated encryption), and its
 *    blobs tile the pack exactly, so nothing is missing, truncated or swapped;
 * 3. the newest snapshot's tree blobs are read from the vault, authenticated and checked against
 *    their keyed names, and every chunk every file needs is listed by some pack header.
 * The bytes inside each chunk are covered by Azure's own checks (the import verifies each 4 MiB
 * block's MD5 against the drive manifest; the copy is server-side), not downloaded again.
 */
export async function verifySeed(options: VerifyOptions): Promise<{ problems: string[]; index: VaultIndex }> {
  const problems: string[] = [];
  const problem = (text: string) => {
    if (problems.length < 50) problems.push(text);
  };
  for (const source of options.expected) {
    const copy = options.vaultBlobs.get(`${options.prefix}${source.name}`);
    if (!copy) problem(`${source.name} is missing from the vault.`);
    else if (copy.size !== source.size) problem(`${source.name} has ${copy.size} bytes in the vault, ${source.size} in the import.`);
    else if (copy.copyStatus !== null && copy.copyStatus !== 'success') problem(`${source.name}: the copy into the vault is ${copy.copyStatus}.`);
    else if (copy.md5 && source.md5 && copy.md5 !== source.md5) problem(`${source.name} has a different MD5 in the vault than in the import.`);
    if (options.stagingPath) {
      const local = await stat(join(options.stagingPath, source.name)).catch(() => null);
      if (local && local.size !== source.size) problem(`${source.name} has ${source.size} bytes in Azure but ${local.size} in staging.`);
    }
  }

  const index: VaultIndex = { chunks: new Map(), packs: new Set() };
  const packs = [...options.vaultBlobs.values()].filter((b) => PACK_NAME.test(b.name));
  await inParallel(packs, options.signal, async (blob) => {
    const id = (PACK_NAME.exec(blob.name) as RegExpExecArray)[1] as string;
    try {
      const entries = await readRemotePackHeader(options.vault, blob, id, options.keys);
      index.packs.add(id);
      for (const e of entries) index.chunks.set(e.id, { blob: blob.name, offset: e.offset, length: e.length });
    } catch (error) {
      problem(`Pack ${id.slice(0, 12)}… in the vault: ${(error as Error).message}`);
    }
    options.onChecked(blob.size);
  });

  if (options.snapshot) {
    let missing = 0;
    for (const treeId of options.snapshot.tree) {
      if (options.signal.aborted) break;
      const at = index.chunks.get(treeId);
      if (!at) {
        problem(`The snapshot's file list (tree blob ${treeId.slice(0, 12)}…) is in no pack of the vault.`);
        continue;
      }
      try {
        const sealed = await options.vault.getBlobClient(at.blob).downloadToBuffer(at.offset, at.length);
        const plain = unpackChunk(openChunk(options.keys, treeId, sealed));
        if (chunkId(options.keys, plain) !== treeId) throw new Error('it does not match its name');
        for (const entry of parseTreeBlob(plain)) for (const chunk of entry.chunks ?? []) if (!index.chunks.has(chunk)) missing += 1;
      } catch (error) {
        problem(`The snapshot's file list (tree blob ${treeId.slice(0, 12)}…) can't be read from the vault: ${(error as Error).message}`);
      }
    }
    if (missing > 0) problem(`${missing} chunks of the snapshot's files are in no pack of the vault.`);
  } else {
    problem('The vault holds no snapshot of this backup.');
  }
  return { problems, index };
}

/** A pack's header, from one or two range reads of its tail, checked against the pack's name and length. */
export async function readRemotePackHeader(container: ContainerClient, blob: RemoteBlob, id: string, keys: RepositoryKeys): Promise<PackEntry[]> {
  if (blob.size < 4) throw new Error('it is truncated');
  const client = container.getBlobClient(blob.name);
  const tailLength = Math.min(blob.size, TAIL_BYTES);
  const tail = await client.downloadToBuffer(blob.size - tailLength, tailLength);
  const headerLength = tail.readUInt32LE(tail.length - 4);
  if (headerLength + 4 > blob.size) throw new Error('it is truncated');
  const header = headerLength + 4 <= tail.length ? tail.subarray(tail.length - 4 - headerLength, tail.length - 4) : await client.downloadToBuffer(blob.size - 4 - headerLength, headerLength);
  if (createHash('sha256').update(header).digest('hex') !== id) throw new Error('its header does not match its name');
  const entries = [...openPackHeader(keys, header)].sort((a, b) => a.offset - b.offset);
  let end = 0;
  for (const e of entries) {
    if (e.offset !== end) throw new Error('its blobs do not follow each other');
    end += e.length;
  }
  if (end !== blob.size - 4 - headerLength) throw new Error(`its blobs end at ${end}, not where the header starts (${blob.size - 4 - headerLength})`);
  return entries;
}
