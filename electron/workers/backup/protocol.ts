import type { ChunkerParams } from './chunker';

/**
 * Messages between the backup coordinator and its chunk workers. A worker reads a file segment,
 * cuts it into chunks and names them; before storing any it asks the coordinator which names are
 * new (the claim), so a chunk met by two workers at once is stored once.
 */
/** Bumped with every change to these messages: a worker from another build refuses to start. */
export const PROTOCOL_VERSION = 3;

export interface WorkerInit {
  protocol: number;
  encryptionKey: Uint8Array;
  identityKey: Uint8Array;
  repoDir: string;
  chunker: ChunkerParams;
  packTargetBytes: number;
  /** Keep finished packs under temporary names until a `release` (a new repository's config isn't saved yet). */
  holdPacks: boolean;
}

/** A byte range of one file; big files are split so every core can work on them. */
export interface Segment {
  seq: number;
  path: string;
  offset: number;
  length: number;
  /** What the scan saw: the worker reports whether the file changed while it was read. */
  expect: { size: number; mtimeNs: string; ctimeNs: string };
}

export type ToWorker =
  | { type: 'segments'; segments: Segment[] }
  | { type: 'claimed'; batch: number; fresh: Uint8Array }
  | { type: 'flush' }
  /** Packs may take their final names (or, with an error, never will: the run fails). */
  | { type: 'release'; error: string | null }
  | { type: 'abort' };

export interface PackedChunk {
  id: string;
  offset: number;
  length: number;
  rawLength: number;
}

export interface SegmentDone {
  seq: number;
  chunks: string[];
  /** Chunk lengths, in order; all-zero chunks are flagged so restore can leave holes. */
  sizes: number[];
  zero: boolean[];
  bytesRead: number;
  changed: boolean;
  error: { code: string; message: string } | null;
}

/*
 * Small files make tens of thousands of results and chunk lists a second. Sent as arrays of objects,
 * their structured cloning cost as much as reading the files, so they travel in columns: numbers in
 * typed arrays, chunk ids (always ID_CHARS hex characters) joined into one string.
 */
export const ID_CHARS = 64;

/** SegmentDone results in columns: segment i has chunkCounts[i] chunks, in order across `ids`. */
export interface SegmentsDone {
  seqs: Float64Array;
  chunkCounts: Uint32Array;
  bytesRead: Float64Array;
  changed: Uint8Array;
  ids: string;
  sizes: Float64Array;
  zero: Uint8Array;
  /** Segments that failed (their chunk count is 0), by index. */
  errors: { index: number; code: string; message: string }[];
}

/** A finished pack's chunks in columns. */
export interface PackColumns {
  ids: string;
  offsets: Float64Array;
  lengths: Float64Array;
  rawLengths: Float64Array;
}

export function splitIds(joined: string, first = 0, count = joined.length / ID_CHARS - first): string[] {
  const ids: string[] = new Array<string>(count);
  for (let i = 0; i < count; i += 1) ids[i] = joined.slice((first + i) * ID_CHARS, (first + i + 1) * ID_CHARS);
  return ids;
}

export type FromWorker =
  | { type: 'claim'; batch: number; ids: string }
  | { type: 'progress'; bytes: number }
  | { type: 'segments-done'; done: SegmentsDone }
  | { type: 'pack'; packId: string; size: number; chunks: PackColumns }
  | { type: 'flushed' }
  | { type: 'aborted' }
  | { type: 'fatal'; message: string };

/** Segment size for splitting big files: a forced cut every 64 MiB costs nothing in dedup terms. */
export const SEGMENT_BYTES = 64 * 1024 * 1024;
