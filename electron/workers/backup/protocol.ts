import type { ChunkerParams } from './chunker';

/**
 * Messages between the backup coordinator and its chunk workers. A worker reads a file segment,
 * cuts it into chunks and names them; before storing any it asks the coordinator which names are
 * new (the claim), so a chunk met by two workers at once is stored once.
 */
/** Bumped with every change to these messages: a worker from another build refuses to start. */
export const PROTOCOL_VERSION = 2;

export interface WorkerInit {
  protocol: number;
  encryptionKey: Uint8Array;
  identityKey: Uint8Array;
  repoDir: string;
  chunker: ChunkerParams;
  packTargetBytes: number;
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
  | { type: 'claimed'; batch: number; fresh: boolean[] }
  | { type: 'flush' }
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

export type FromWorker =
  | { type: 'claim'; batch: number; ids: string[] }
  | { type: 'progress'; bytes: number }
  | { type: 'segments-done'; results: SegmentDone[] }
  | { type: 'pack'; packId: string; size: number; entries: PackedChunk[] }
  | { type: 'flushed' }
  | { type: 'aborted' }
  | { type: 'fatal'; message: string };

/** Segment size for splitting big files: a forced cut every 64 MiB costs nothing in dedup terms. */
export const SEGMENT_BYTES = 64 * 1024 * 1024;
