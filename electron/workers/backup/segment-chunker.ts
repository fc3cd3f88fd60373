import { closeSync, fstatSync, openSync, readSync, type BigIntStats } from 'node:fs';
import { nextCut, type ChunkerParams } from './chunker';
import type { Segment } from './protocol';

/** One chunk of a segment: its bytes stay valid until the reader has moved past its window. */
export interface SegmentChunk {
  data: Buffer;
}

export interface SegmentReadResult {
  bytesRead: number;
  /** The file's size or times differ from what the scan saw, before or after reading. */
  changed: boolean;
}

/**
 * Reads a segment with plain reads into a window buffer and cuts it into content-defined chunks.
 * A new window is allocated after each fill (the previous chunks may still be awaiting their claim),
 * and only the unfinished tail is carried over, so the copy cost is small. Synchronous on purpose:
 * this runs in a worker thread, where blocking reads are the fastest way through a file.
 */
export function* readSegmentChunks(segment: Segment, params: ChunkerParams, windowBytes: number, result: SegmentReadResult): Generator<SegmentChunk[]> {
  const fd = openSync(segment.path, 'r');
  try {
    result.changed = differs(fstatSync(fd, { bigint: true }), segment.expect);
    const end = segment.offset + segment.length;
    let position = segment.offset;
    let carry: Buffer | null = null;
    for (;;) {
      const window = Buffer.allocUnsafe(Math.max(windowBytes, (carry?.length ?? 0) + params.maxSize));
      let filled = 0;
      if (carry) {
        carry.copy(window, 0);
        filled = carry.length;
        carry = null;
      }
      while (filled < window.length && position < end) {
        const n = readSync(fd, window, filled, Math.min(window.length - filled, end - position), position);
        if (n === 0) break; // The file shrank while we read it: what was read is all there is.
        filled += n;
        position += n;
        result.bytesRead += n;
      }
      const final = position >= end || filled < window.length;
      const chunks: SegmentChunk[] = [];
      let offset = 0;
      while (offset < filled) {
        const cut = nextCut(window, offset, filled, final, params);
        if (cut < 0) break;
        chunks.push({ data: window.subarray(offset, offset + cut) });
        offset += cut;
      }
      if (offset < filled) carry = Buffer.from(window.subarray(offset, filled));
      if (chunks.length > 0) yield chunks;
      // With `final` set nextCut always cuts, so nothing is carried past the last window.
      if (final) break;
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
