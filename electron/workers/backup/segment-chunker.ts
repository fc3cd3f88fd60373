import { closeSync, fstatSync, openSync, readSync, type BigIntStats } from 'node:fs';
import { nextCut, type ChunkerParams } from './chunker';
import type { Segment } from './protocol';

export interface SegmentReadResult {
  bytesRead: number;
  /** The file's size or times differ from what the scan saw, before or after reading. */
  changed: boolean;
}

/** One window's worth of chunks; the caller gives `window` back to the pool once they are stored. */
export interface ChunkWindow {
  window: Buffer;
  chunks: Buffer[];
}

/**
 * Reuses the big read buffers: allocating a fresh 24 MiB buffer per window costs page faults
 * (kernel time) and lets memory balloon until the garbage collector catches up.
 */
export class WindowPool {
  private readonly free: Buffer[] = [];

  constructor(readonly capacity: number) {}

  take(size: number): Buffer {
    // Small files get an exact buffer (Node pools the tiny ones); big windows come from the pool.
    if (size < this.capacity / 4) return Buffer.allocUnsafe(size);
    return (this.free.pop() ?? Buffer.allocUnsafe(this.capacity)).subarray(0, size);
  }

  give(window: Buffer): void {
    if (window.buffer.byteLength === this.capacity && window.byteOffset === 0 && this.free.length < 1) this.free.push(Buffer.from(window.buffer, 0, this.capacity));
  }
}

/**
 * Reads a segment with plain reads into windows and cuts it into content-defined chunks. The
 * unfinished tail of a window is copied into the next window before its chunks are handed out, so
 * a window is free for reuse as soon as its chunks are stored. Synchronous on purpose: this runs in
 * a worker thread, where blocking reads are the fastest way through a file.
 */
export function* readSegmentChunks(segment: Segment, params: ChunkerParams, pool: WindowPool, result: SegmentReadResult): Generator<ChunkWindow> {
  const fd = openSync(segment.path, 'r');
  try {
    result.changed = differs(fstatSync(fd, { bigint: true }), segment.expect);
    const end = segment.offset + segment.length;
    let position = segment.offset;
    let window = pool.take(Math.min(pool.capacity, end - position));
    let filled = 0;
    for (;;) {
      while (filled < window.length && position < end) {
        const n = readSync(fd, window, filled, Math.min(window.length - filled, end - position), position);
        if (n === 0) break; // The file shrank while we read it: what was read is all there is.
        filled += n;
        position += n;
        result.bytesRead += n;
      }
      const final = position >= end || filled < window.length;
      const chunks: Buffer[] = [];
      let offset = 0;
      while (offset < filled) {
        const cut = nextCut(window, offset, filled, final, params);
        if (cut < 0) break;
        chunks.push(window.subarray(offset, offset + cut));
        offset += cut;
      }
      // With `final` set nextCut always cuts, so nothing is carried past the last window.
      if (final) {
        if (chunks.length > 0) yield { window, chunks };
        else pool.give(window);
        break;
      }
      const tail = filled - offset;
      const next = pool.take(Math.min(pool.capacity, tail + (end - position)));
      window.copy(next, 0, offset, filled);
      if (chunks.length > 0) yield { window, chunks };
      else pool.give(window);
      window = next;
      filled = tail;
    }
    if (segment.offset + segment.length >= segment.expect.size) {
      result.changed ||= differs(fstatSync(fd, { bigint: true }), segment.expect) || position !== end;
    }
  } finally {
    closeSync(fd);
  }
}

function differs(stat: BigIntStats, expect: Segment['expect']): boolean {
  return Number(stat.size) !== expect.size || stat.mtimeNs.toString() !== expect.mtimeNs || stat.ctimeNs.toString() !== expect.ctimeNs;
}

/** Whether a chunk is all zero bytes (a hole in a sparse file, or just zeros): restore can seek past it. */
export function isAllZero(data: Buffer): boolean {
  // Buffer.compare runs as memcmp: far faster than a byte loop in JavaScript.
  const step = ZERO.length;
  for (let i = 0; i < data.length; i += step) {
    const piece = data.subarray(i, Math.min(i + step, data.length));
    if (piece.compare(ZERO, 0, piece.length) !== 0) return false;
  }
  return true;
}
const ZERO = Buffer.alloc(64 * 1024);
