/**
 * Content-defined chunking (FastCDC, Xia et al., USENIX ATC 2016): cut points depend on the bytes
 * around them, not on their offsets, so an insertion early in a file moves only the chunks it
 * touches and the rest deduplicate. Normalized chunking (a harder mask before the average size, an
 * easier one after) keeps chunk sizes close to the average.
 */

export interface ChunkerParams {
  minSize: number;
  avgSize: number;
  maxSize: number;
}

/** restic's and Kopia's neighbourhood: big enough for throughput, small enough to deduplicate. */
export const DEFAULT_CHUNKER: ChunkerParams = { minSize: 512 * 1024, avgSize: 1024 * 1024, maxSize: 8 * 1024 * 1024 };

/**
 * The gear table: 256 pseudo-random 32-bit values from a fixed seed. It must never change, or every
 * chunk boundary (and so all deduplication against existing backups) changes with it.
 */
const GEAR: Int32Array = (() => {
  const table = new Int32Array(256);
  let state = 0x5eed5e1f;
  for (let i = 0; i < 256; i += 1) {
    // SplitMix32
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    table[i] = (z ^ (z >>> 16)) | 0;
  }
  return table;
})();

/** A mask with `bits` of the hash's high bits set: those bits depend on the last 32 bytes seen. */
function highMask(bits: number): number {
  // int32 arithmetic throughout: V8 keeps the hot loop in small integers (2–3× faster than >>> 0).
  return bits >= 32 ? -1 : ~0 << (32 - bits);
}

export function validateParams(p: ChunkerParams): void {
  if (!(p.minSize > 0 && p.minSize < p.avgSize && p.avgSize < p.maxSize)) throw new Error('Chunk sizes must satisfy 0 < min < avg < max.');
  if ((p.avgSize & (p.avgSize - 1)) !== 0) throw new Error('The average chunk size must be a power of two.');
}

/**
 * Length of the next chunk of `data[start, end)`, or -1 when no cut point lies within and more data
 * may follow (`final` false). With `final` true the rest is always a chunk.
 */
export function nextCut(data: Uint8Array, start: number, end: number, final: boolean, p: ChunkerParams = DEFAULT_CHUNKER): number {
  const available = end - start;
  if (available <= p.minSize) return final ? available : available >= p.maxSize ? p.maxSize : -1;
  const bits = Math.log2(p.avgSize);
  const maskS = highMask(bits + 2);
  const maskL = highMask(bits - 2);
  const normal = Math.min(start + p.avgSize, end);
  const limit = Math.min(start + p.maxSize, end);
  const gear = GEAR;
  let hash = 0;
  // Cut points are never closer than minSize, so the bytes before it are skipped, as FastCDC does.
  // The loops are unrolled by four (same cut points): V8 then runs them about twice as fast.
  let i = start + p.minSize;
  for (const n4 = normal - 3; i < n4; i += 4) {
    hash = ((hash << 1) + (gear[data[i] as number] as number)) | 0;
    if ((hash & maskS) === 0) return i + 1 - start;
    hash = ((hash << 1) + (gear[data[i + 1] as number] as number)) | 0;
    if ((hash & maskS) === 0) return i + 2 - start;
    hash = ((hash << 1) + (gear[data[i + 2] as number] as number)) | 0;
    if ((hash & maskS) === 0) return i + 3 - start;
    hash = ((hash << 1) + (gear[data[i + 3] as number] as number)) | 0;
    if ((hash & maskS) === 0) return i + 4 - start;
  }
  for (; i < normal; i += 1) {
    hash = ((hash << 1) + (gear[data[i] as number] as number)) | 0;
    if ((hash & maskS) === 0) return i + 1 - start;
  }
  for (const l4 = limit - 3; i < l4; i += 4) {
    hash = ((hash << 1) + (gear[data[i] as number] as number)) | 0;
    if ((hash & maskL) === 0) return i + 1 - start;
    hash = ((hash << 1) + (gear[data[i + 1] as number] as number)) | 0;
    if ((hash & maskL) === 0) return i + 2 - start;
    hash = ((hash << 1) + (gear[data[i + 2] as number] as number)) | 0;
    if ((hash & maskL) === 0) return i + 3 - start;
    hash = ((hash << 1) + (gear[data[i + 3] as number] as number)) | 0;
    if ((hash & maskL) === 0) return i + 4 - start;
  }
  for (; i < limit; i += 1) {
    hash = ((hash << 1) + (gear[data[i] as number] as number)) | 0;
    if ((hash & maskL) === 0) return i + 1 - start;
  }
  if (limit - start >= p.maxSize) return p.maxSize;
  return final ? available : -1;
}

/**
 * Splits a stream of buffers into content-defined chunks. Input is gathered until a maximum-size
 * chunk is certainly inside, so memory stays under about 2 × maxSize whatever the stream's length
 * or read size; input buffers are copied, so a reader may reuse its buffer.
 */
export async function* chunkStream(source: AsyncIterable<Uint8Array>, p: ChunkerParams = DEFAULT_CHUNKER): AsyncGenerator<Buffer> {
  validateParams(p);
  let parts: Buffer[] = [];
  let size = 0;
  for await (const piece of source) {
    if (piece.length === 0) continue;
    parts.push(Buffer.from(piece));
    size += piece.length;
    if (size < p.maxSize) continue;
    const pending = Buffer.concat(parts, size);
    let offset = 0;
    // With at least maxSize bytes ahead, nextCut always finds a cut (at maxSize at the latest).
    while (pending.length - offset >= p.maxSize) {
      const cut = nextCut(pending, offset, pending.length, false, p);
      yield pending.subarray(offset, offset + cut);
      offset += cut;
    }
    parts = offset < pending.length ? [pending.subarray(offset)] : [];
    size = pending.length - offset;
  }
  const rest = Buffer.concat(parts, size);
  let offset = 0;
  while (offset < rest.length) {
    const cut = nextCut(rest, offset, rest.length, true, p);
    yield rest.subarray(offset, offset + cut);
    offset += cut;
  }
}
