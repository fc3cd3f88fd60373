import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { chunkStream, nextCut, validateParams, type ChunkerParams } from './chunker';

const SMALL: ChunkerParams = { minSize: 2 * 1024, avgSize: 8 * 1024, maxSize: 64 * 1024 };

/** Deterministic pseudo-random bytes, so boundaries are reproducible run to run. */
function seeded(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i += 1) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

async function chunks(data: Buffer, pieceSize: number, p: ChunkerParams = SMALL): Promise<Buffer[]> {
  async function* pieces() {
    for (let i = 0; i < data.length; i += pieceSize) yield data.subarray(i, i + pieceSize);
  }
  const out: Buffer[] = [];
  for await (const c of chunkStream(pieces(), p)) out.push(Buffer.from(c));
  return out;
}

const digest = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('content-defined chunker', () => {
  it('reassembles to the input and respects the size bounds', async () => {
    const data = seeded(3 * 1024 * 1024 + 123, 7);
    const out = await chunks(data, 100_000);
    expect(Buffer.concat(out).equals(data)).toBe(true);
    for (const c of out.slice(0, -1)) {
      expect(c.length).toBeGreaterThanOrEqual(SMALL.minSize);
      expect(c.length).toBeLessThanOrEqual(SMALL.maxSize);
    }
    const average = data.length / out.length;
    expect(average).toBeGreaterThan(SMALL.avgSize / 2);
    expect(average).toBeLessThan(SMALL.avgSize * 2);
  });

  it('cuts at the same places however the stream is split into reads', async () => {
    const data = seeded(1024 * 1024, 11);
    const reference = (await chunks(data, data.length)).map((c) => c.length);
    for (const piece of [1, 977, 4096, 65_536, 300_001]) {
      expect((await chunks(data, piece)).map((c) => c.length), `reads of ${piece}`).toEqual(reference);
    }
  });

  it('an insertion near the start leaves the later chunks identical (that is what deduplicates)', async () => {
    const data = seeded(2 * 1024 * 1024, 23);
    const edited = Buffer.concat([data.subarray(0, 10_000), Buffer.from('an inserted sentence'), data.subarray(10_000)]);
    const before = new Set((await chunks(data, 65_536)).map(digest));
    const after = (await chunks(edited, 65_536)).map(digest);
    const shared = after.filter((h) => before.has(h)).length;
    expect(shared / after.length).toBeGreaterThan(0.9);
  });

  it('cuts incompressible data at max size when no boundary appears, and handles empty and tiny input', async () => {
    const zeros = Buffer.alloc(200 * 1024);
    // A run of zeros never satisfies the mask after the first bytes: every chunk hits maxSize.
    expect((await chunks(zeros, 10_000)).map((c) => c.length)).toEqual([65_536, 65_536, 65_536, 8_192]);
    expect(await chunks(Buffer.alloc(0), 10)).toEqual([]);
    expect((await chunks(Buffer.from('hi'), 10)).map(String)).toEqual(['hi']);
  });

  it('is deterministic across runs (the gear table is fixed)', async () => {
    const lengths = (await chunks(seeded(512 * 1024, 99), 512 * 1024)).map((c) => c.length);
    const again = (await chunks(seeded(512 * 1024, 99), 512 * 1024)).map((c) => c.length);
    expect(again).toEqual(lengths);
    expect(nextCut(randomBytes(10), 0, 10, false, SMALL)).toBe(-1);
  });

  it('refuses nonsensical parameters', () => {
    expect(() => validateParams({ minSize: 10, avgSize: 8, maxSize: 100 })).toThrow();
    expect(() => validateParams({ minSize: 1, avgSize: 1000, maxSize: 4000 })).toThrow(/power of two/);
  });
});
