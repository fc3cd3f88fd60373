import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { packChunk, unpackChunk } from './chunk-compression';

describe('chunk compression', () => {
  it('compresses text and round-trips it', () => {
    const text = Buffer.from('2026-11-25 backup log line: copied 42 files\n'.repeat(2000));
    const packed = packChunk(text);
    expect(packed.length).toBeLessThan(text.length / 10);
    expect(unpackChunk(packed).equals(text)).toBe(true);
  });

  it('stores incompressible data as is, one byte larger', () => {
    const noise = randomBytes(64 * 1024);
    const packed = packChunk(noise);
    expect(packed.length).toBe(noise.length + 1);
    expect(unpackChunk(packed).equals(noise)).toBe(true);
  });

  it('judges big chunks by samples: random stays raw, text with a random middle still compresses', () => {
    const noise = randomBytes(1024 * 1024);
    expect(packChunk(noise)[0]).toBe(0);
    const mixed = Buffer.concat([Buffer.from('log line ok\n'.repeat(40_000)), randomBytes(64 * 1024), Buffer.from('log line ok\n'.repeat(40_000))]);
    const packed = packChunk(mixed);
    expect(packed[0]).toBe(1);
    expect(packed.length).toBeLessThan(mixed.length / 4);
    expect(unpackChunk(packed).equals(mixed)).toBe(true);
  });

  it('round-trips empty chunks and refuses unknown storage types', () => {
    expect(unpackChunk(packChunk(Buffer.alloc(0))).length).toBe(0);
    expect(() => unpackChunk(Buffer.from([7, 1, 2]))).toThrow(/Unknown chunk storage type 7/);
  });
});
