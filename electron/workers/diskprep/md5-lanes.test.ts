import { createHash, randomFillSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { wasm } from '../wasm-api';
import { MD5_LANES_SCRATCH_BYTES, Md5Lanes } from './md5-lanes';

const openssl = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex').toUpperCase();

describe('MD5 in four SIMD lanes', () => {
  const memory = new wasm.Memory({ initial: 8, maximum: 8, shared: true });
  const bytes = new Uint8Array(memory.buffer);
  const scratchAt = 6 * 65536;
  const lanes = new Md5Lanes(memory, scratchAt);
  randomFillSync(bytes.subarray(0, scratchAt));

  // Around each padding case: a tail under 56 bytes takes one final block, 56–63 two.
  it.each([0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, 65535])('matches OpenSSL for %i-byte messages, one to four at once, at unaligned addresses', (length) => {
    for (let count = 1; count <= 4; count += 1) {
      const messages = Array.from({ length: count }, (_, i) => ({ at: i * 66_000 + 7 * i + 1, length }));
      expect(lanes.hash(messages)).toEqual(messages.map((m) => openssl(bytes.subarray(m.at, m.at + m.length))));
    }
  });

  it('hashes different messages differently, lane by lane', () => {
    const messages = [0, 1, 2, 3].map((i) => ({ at: i * 65536, length: 65536 }));
    bytes[3 * 65536 + 100] = (bytes[3 * 65536 + 100] as number) ^ 1;
    const hashes = lanes.hash(messages);
    expect(new Set(hashes).size).toBe(4);
    expect(hashes[3]).toBe(openssl(bytes.subarray(3 * 65536, 4 * 65536)));
  });

  it('refuses messages of unequal lengths or more than four', () => {
    expect(() => lanes.hash([{ at: 0, length: 64 }, { at: 64, length: 65 }])).toThrow(/one length/);
    expect(() => lanes.hash(Array.from({ length: 5 }, () => ({ at: 0, length: 64 })))).toThrow(/one to four/);
    expect(MD5_LANES_SCRATCH_BYTES).toBeLessThanOrEqual(1024);
  });
});
