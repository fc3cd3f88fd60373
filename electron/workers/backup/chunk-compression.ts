import { Compressor, Decompressor } from 'zstd-napi';

/** First byte of every chunk's plaintext inside the encryption: how the rest is stored. */
const RAW = 0;
const ZSTD = 1;

/**
 * zstd level 1 with a 2^15-entry match table (level 1 uses 2^14). On the benchmark's documents
 * (1 MiB chunks) it compresses at 325 MB/s to 37.5%, where level 2 takes 251 MB/s to 36.6% and
 * level 3 184 MB/s to 35.9%: a first full backup of terabytes is bound by compression time, while
 * 0.6% more output (the whole benchmark tree) barely changes how many disks are shipped.
 */
export const COMPRESSION_PARAMETERS = { compressionLevel: 1, hashLog: 15 } as const;

const RAW_TAG = Buffer.from([RAW]);
const ZSTD_TAG = Buffer.from([ZSTD]);

let compressor: Compressor | null = null;
let decompressor: Decompressor | null = null;

/**
 * Compresses a chunk with zstd, or stores it as is when that doesn't make it smaller (photos,
 * archives, already-encrypted data): incompressible chunks cost one byte, not a second pass later.
 */
export function packChunk(raw: Uint8Array): Buffer {
  return Buffer.concat(packChunkParts(raw));
}

/** `packChunk` as pieces (the storage-type byte, then the body), without copying the body. */
export function packChunkParts(raw: Uint8Array): Uint8Array[] {
  compressor ??= (() => {
    const c = new Compressor();
    c.setParameters(COMPRESSION_PARAMETERS);
    return c;
  })();
  if (looksIncompressible(compressor, raw)) return [RAW_TAG, raw];
  const compressed = compressor.compress(raw);
  if (compressed.length + 1 < raw.length) return [ZSTD_TAG, compressed];
  return [RAW_TAG, raw];
}

/** Bytes sampled from big chunks to judge them before compressing all of them. */
const SAMPLE_BYTES = 16 * 1024;
/** A sample that shrinks by less than this is taken as already compressed or encrypted. */
const INCOMPRESSIBLE_RATIO = 0.97;

/**
 * Media, archives and encrypted files don't shrink, and zstd still spends about 1.4 ns a byte on
 * them: a 16 KiB sample from each end and the middle decides for big chunks (about 1% of the cost).
 * A chunk that is mostly compressible shows it in its samples.
 */
function looksIncompressible(c: Compressor, raw: Uint8Array): boolean {
  if (raw.length < 16 * SAMPLE_BYTES) return false;
  const mid = Math.floor(raw.length / 2 - SAMPLE_BYTES / 2);
  for (const start of [0, mid, raw.length - SAMPLE_BYTES]) {
    const sample = raw.subarray(start, start + SAMPLE_BYTES);
    if (c.compress(sample).length < sample.length * INCOMPRESSIBLE_RATIO) return false;
  }
  return true;
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
