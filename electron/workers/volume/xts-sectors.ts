import { createCipheriv, createDecipheriv, type Cipher, type Decipher } from 'node:crypto';
import type { WasmMemory } from '../wasm-api';
import { createXtsKernel, type XtsKernel, xtsScratchBytes } from './xts-simd-kernel';

/**
 * AES-XTS over whole sectors (IEEE 1619; BitLocker's methods 0x8004/0x8005): the data unit is one
 * sector and its tweak is the sector number as a 16-byte little-endian integer. Bit-identical to
 * OpenSSL's aes-128-xts / aes-256-xts called once per sector with that tweak as the IV.
 *
 * One OpenSSL XTS context per sector costs microseconds of setup, most of the work for a 512-byte
 * sector. Instead each batch of sectors takes two AES-ECB calls (all the sector numbers under K2,
 * then all the blocks under K1), with the tweak chain and the XORs in a WebAssembly SIMD kernel.
 */

/**
 * Bytes per ECB call. Measured (Node 20, AES-NI): 32 KiB–64 KiB beat 16 KiB (call overhead) and
 * 256 KiB (each call's output no longer fits in cache, and goes through mmap unless glibc's mmap
 * threshold is raised, as bin/seedship.mjs does).
 */
const BATCH_BYTES = 64 * 1024;
const MIN_SECTOR = 512;
/** The scratch a cipher with a shared memory needs in it. */
export const XTS_SHARED_SCRATCH_BYTES = xtsScratchBytes(BATCH_BYTES, MIN_SECTOR);

// The tweak is a little-endian integer and the kernel works on little-endian lanes (x64, arm64).
if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) throw new Error('AES-XTS here needs a little-endian CPU.');

export type XtsDirection = 'encrypt' | 'decrypt';

/**
 * A reusable XTS transform for one key and sector size: holds the two ECB contexts and the kernel's
 * memory, so encrypting gigabytes allocates nothing per batch but the ECB call's output.
 */
export class XtsSectorCipher {
  private readonly dataEcb: Cipher | Decipher;
  private readonly tweakEcb: Cipher;
  private readonly kernel: XtsKernel;
  /** The kernel working in a shared memory, for transformShared. */
  private readonly sharedKernel: XtsKernel | null;
  /** Sector numbers (little-endian 128-bit) of one batch: the input of the tweak ECB call. */
  private readonly sectorNumbers: Buffer;

  /**
   * `shared`: a shared memory (disk prep's block arena) whose bytes transformShared works on where
   * they lie, with XTS_SHARED_SCRATCH_BYTES of it at `scratchAt` for this thread’s use.
   */
  constructor(key: Buffer, readonly sectorSize: number, direction: XtsDirection = 'encrypt', shared?: { memory: WasmMemory; scratchAt: number }) {
    if (key.length !== 32 && key.length !== 64) throw new RangeError('An XTS key is 32 bytes (XTS-AES-128) or 64 bytes (XTS-AES-256).');
    if (sectorSize < MIN_SECTOR || BATCH_BYTES % sectorSize !== 0) throw new RangeError(`Unsupported sector size ${sectorSize} (512 to 65536, a power of two).`);
    const half = key.length / 2;
    const dataKey = key.subarray(0, half);
    const tweakKey = key.subarray(half);
    // IEEE 1619-2018 §5.1, and OpenSSL 3 refuses them too: with equal halves the tweak leaks.
    if (dataKey.equals(tweakKey)) throw new RangeError('The two halves of an XTS key must differ.');
    const ecb = half === 16 ? 'aes-128-ecb' : 'aes-256-ecb';
    this.dataEcb = direction === 'encrypt' ? createCipheriv(ecb, dataKey, null) : createDecipheriv(ecb, dataKey, null);
    // Without padding, ECB keeps no state between calls: one context serves every batch.
    this.dataEcb.setAutoPadding(false);
    this.tweakEcb = createCipheriv(ecb, tweakKey, null);
    this.tweakEcb.setAutoPadding(false);
    this.kernel = createXtsKernel(BATCH_BYTES, MIN_SECTOR);
    this.sharedKernel = shared ? createXtsKernel(BATCH_BYTES, MIN_SECTOR, shared) : null;
    this.sectorNumbers = Buffer.alloc((BATCH_BYTES / sectorSize) * 16);
  }

  /** Encrypts (or decrypts) whole sectors in place; `data[0]` starts sector `firstSector`. */
  transformInPlace(data: Buffer, firstSector: number): void {
    this.check(data.length, firstSector);
    const { kernel } = this;
    for (let offset = 0; offset < data.length; offset += BATCH_BYTES) {
      const length = Math.min(BATCH_BYTES, data.length - offset);
      data.copy(kernel.memory, 0, offset, offset + length);
      this.transformBatch(kernel, 0, length, firstSector + offset / this.sectorSize);
      kernel.memory.copy(data, offset, 0, length);
    }
  }

  /** transformInPlace for bytes [at, at + length) of the shared memory, where they lie (nothing is copied in or out). */
  transformShared(at: number, length: number, firstSector: number): void {
    const kernel = this.sharedKernel;
    if (!kernel) throw new Error('This cipher was made without a shared memory.');
    this.check(length, firstSector);
    for (let offset = 0; offset < length; offset += BATCH_BYTES) this.transformBatch(kernel, at + offset, Math.min(BATCH_BYTES, length - offset), firstSector + offset / this.sectorSize);
  }

  private check(length: number, firstSector: number): void {
    if (length % this.sectorSize !== 0) throw new RangeError(`The data is not a whole number of ${this.sectorSize}-byte sectors.`);
    if (!Number.isSafeInteger(firstSector) || firstSector < 0 || !Number.isSafeInteger(firstSector + length / this.sectorSize)) {
      throw new RangeError('The first sector number must be a non-negative safe integer.');
    }
  }

  /** One batch (at most BATCH_BYTES) at `at` in the kernel's memory: mask, AES-ECB, unmask. */
  private transformBatch(kernel: XtsKernel, at: number, length: number, firstSector: number): void {
    this.writeInitialTweaks(kernel, firstSector, length / this.sectorSize);
    kernel.mask(at, length, this.sectorSize);
    this.dataEcb.update(kernel.memory.subarray(kernel.maskedAt, kernel.maskedAt + length)).copy(kernel.memory, kernel.maskedAt);
    kernel.unmask(at, length);
  }

  /** T0 of each sector = AES-ECB(K2, sector number), into the kernel's INITIAL region. */
  private writeInitialTweaks(kernel: XtsKernel, firstSector: number, sectors: number): void {
    const numbers = this.sectorNumbers;
    for (let s = 0; s < sectors; s += 1) {
      const n = firstSector + s;
      numbers.writeUInt32LE(n % 0x1_0000_0000, s * 16);
      numbers.writeUInt32LE(Math.floor(n / 0x1_0000_0000), s * 16 + 4);
    }
    this.tweakEcb.update(numbers.subarray(0, sectors * 16)).copy(kernel.memory, kernel.initialAt);
  }
}

/** XTS-encrypts whole sectors; `key` is K1‖K2 (32 or 64 bytes), sector i's tweak is firstSector + i. */
export function xtsEncryptSectors(key: Buffer, data: Buffer, firstSector: number, sectorSize: number): Buffer {
  return transformCopy(new XtsSectorCipher(key, sectorSize, 'encrypt'), data, firstSector);
}

/** The inverse of xtsEncryptSectors. */
export function xtsDecryptSectors(key: Buffer, data: Buffer, firstSector: number, sectorSize: number): Buffer {
  return transformCopy(new XtsSectorCipher(key, sectorSize, 'decrypt'), data, firstSector);
}

function transformCopy(cipher: XtsSectorCipher, data: Buffer, firstSector: number): Buffer {
  const out = Buffer.from(data);
  cipher.transformInPlace(out, firstSector);
  return out;
}
