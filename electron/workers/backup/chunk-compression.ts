import { Compressor, Decompressor } from 'zstd-napi';

/** First byte of every chunk's plaintext inside the encryption: how the rest is stored. */
const RAW = 0;
const ZSTD = 1;

/** zstd level 3: the `tar | zstd -3` peer's level, about 380 MB/s per core here. */
export const COMPRESSION_LEVEL = 3;

let compressor: Compressor | null = null;
let decompressor: Decompressor | null = null;

/**
 * Compresses a chunk with zstd, or stores it as is when that doesn't make it smaller (photos,
 * archives, already-encrypted data): incompressible chunks cost one byte, not a second pass later.
 */
export function packChunk(raw: Uint8Array): Buffer {
  compressor ??= (() => {
    const c = new Compressor();
    c.setParameters({ compressionLevel: COMPRESSION_LEVEL });
    return c;
  })();
  const compressed = compressor.compress(raw);
  if (compressed.length + 1 < raw.length) return Buffer.concat([Buffer.from([ZSTD]), compressed]);
  return Buffer.concat([Buffer.from([RAW]), raw]);
}

export function unpackChunk(stored: Uint8Array): Buffer {
  const data = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
  if (data[0] === RAW) return Buffer.from(data.subarray(1));
  if (data[0] === ZSTD) {
    decompressor ??= new Decompressor();
    return decompressor.decompress(data.subarray(1));
  }
  throw new Error(`Unknown chunk storage type ${String(data[0])}.`);
}
