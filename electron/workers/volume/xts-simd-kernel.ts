import { uleb, type WasmModule, wasm, wasmName, wasmSection } from '../wasm-api';

/**
 * The XOR half of AES-XTS as a tiny WebAssembly SIMD module: the per-block tweak chain
 * (T·α in GF(2^128)) and the two XORs around the AES-ECB call. Measured here, the same loops in
 * plain JavaScript over Int32Array views ran at 1.4 GB/s (masking) and 3 GB/s (unmasking), which
 * held the whole transform to 420–560 MiB/s; with 128-bit lanes the AES calls dominate instead.
 *
 * The module is assembled below from a few dozen opcodes (no toolchain needed) and keeps four
 * regions in its own memory, each `batch` bytes except the last:
 *   DATA    the batch's plaintext in, its result out
 *   TWEAKS  every block's tweak
 *   MASKED  plaintext ⊕ tweak (AES-ECB's input), then AES-ECB's output
 *   INITIAL one encrypted sector number per sector
 */

export interface XtsKernel {
  /** The module's memory; DATA starts at 0. */
  readonly memory: Buffer;
  readonly tweaksAt: number;
  readonly maskedAt: number;
  readonly initialAt: number;
  /** TWEAKS and MASKED from DATA and INITIAL for `total` bytes of `sectorBytes`-byte sectors. */
  mask(total: number, sectorBytes: number): void;
  /** DATA = MASKED ⊕ TWEAKS for `total` bytes. */
  unmask(total: number): void;
}

const OP = {
  loop: 0x03,
  end: 0x0b,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Const: 0x41,
  i32LtU: 0x49,
  i32Add: 0x6a,
  simd: 0xfd,
} as const;
/** SIMD opcodes (after the 0xfd prefix), LEB128-encoded. */
const SIMD = {
  load: [0x00],
  store: [0x0b],
  const: [0x0c],
  shuffle: [0x0d],
  and: [0x4e],
  xor: [0x51],
  i64x2Shl: [0xcb, 0x01],
  i64x2ShrS: [0xcc, 0x01],
} as const;
const I32 = 0x7f;
const V128 = 0x7b;
const VOID_BLOCK = 0x40;

const name = wasmName;
const section = wasmSection;
const get = (i: number) => [OP.localGet, i];
const set = (i: number) => [OP.localSet, i];
const tee = (i: number) => [OP.localTee, i];
const simd = (op: readonly number[], ...immediates: number[]) => [OP.simd, ...op, ...immediates];
/** A 16-byte-aligned v128 load/store at `offset` past the address on the stack. */
const memory = (op: readonly number[], offset: number) => simd(op, 4, ...uleb(offset));
/** i32.const for 0 ≤ n < 64 (one signed-LEB byte). */
const small = (n: number) => [OP.i32Const, n];

function assemble(batch: number, pages: number): Uint8Array {
  const tweaksAt = batch;
  const maskedAt = 2 * batch;
  const initialAt = 3 * batch;
  // mask(total, sectorBytes); locals: 2 i (byte offset), 3 sectorEnd, 4 initial (offset of the sector's T0), 5 t (v128)
  const nextTweak = [
    // t·α: shift both 64-bit halves left; the bit leaving the low half enters the high half, the
    // bit leaving the high half folds back into the low one as x^7+x^2+x+1 (0x87).
    ...get(5), ...small(1), ...simd(SIMD.i64x2Shl),
    ...get(5), ...small(63), ...simd(SIMD.i64x2ShrS), // each half's top bit, spread over its half
    ...get(5), ...simd(SIMD.shuffle, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7), // halves swapped
    ...simd(SIMD.const, 0x87, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0),
    ...simd(SIMD.and), ...simd(SIMD.xor), ...set(5),
  ];
  const maskBody = [
    2, 3, I32, 1, V128,
    OP.loop, VOID_BLOCK, // per sector
    ...get(4), ...memory(SIMD.load, initialAt), ...set(5),
    ...get(2), ...get(1), OP.i32Add, ...set(3),
    OP.loop, VOID_BLOCK, // per 16-byte block
    ...get(2), ...get(5), ...memory(SIMD.store, tweaksAt),
    ...get(2), ...get(2), ...memory(SIMD.load, 0), ...get(5), ...simd(SIMD.xor), ...memory(SIMD.store, maskedAt),
    ...nextTweak,
    ...get(2), ...small(16), OP.i32Add, ...tee(2), ...get(3), OP.i32LtU, OP.brIf, 0,
    OP.end,
    ...get(4), ...small(16), OP.i32Add, ...set(4),
    ...get(2), ...get(0), OP.i32LtU, OP.brIf, 0,
    OP.end,
    OP.end,
  ];
  // unmask(total); local 1 i
  const unmaskBody = [
    1, 1, I32,
    OP.loop, VOID_BLOCK,
    ...get(1), ...get(1), ...memory(SIMD.load, maskedAt), ...get(1), ...memory(SIMD.load, tweaksAt), ...simd(SIMD.xor), ...memory(SIMD.store, 0),
    ...get(1), ...small(16), OP.i32Add, ...tee(1), ...get(0), OP.i32LtU, OP.brIf, 0,
    OP.end,
    OP.end,
  ];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [2, 0x60, 2, I32, I32, 0, 0x60, 1, I32, 0]), // types: (i32, i32) → (), (i32) → ()
    ...section(3, [2, 0, 1]),
    ...section(5, [1, 0, ...uleb(pages)]),
    ...section(7, [3, ...name('memory'), 2, 0, ...name('mask'), 0, 0, ...name('unmask'), 0, 1]),
    ...section(10, [2, ...uleb(maskBody.length), ...maskBody, ...uleb(unmaskBody.length), ...unmaskBody]),
  ]);
}

interface KernelExports {
  memory: { buffer: ArrayBuffer };
  mask(total: number, sectorBytes: number): void;
  unmask(total: number): void;
}

const modules = new Map<string, WasmModule>();

/**
 * A kernel instance with its own memory, for batches of at most `batch` bytes (a multiple of 64 KiB
 * keeps every region 16-byte aligned) and sectors of at least `minSector` bytes.
 */
export function createXtsKernel(batch: number, minSector: number): XtsKernel {
  const initialBytes = (batch / minSector) * 16;
  const pages = Math.ceil((3 * batch + initialBytes) / 65536);
  const key = `${batch}:${pages}`;
  let module = modules.get(key);
  if (!module) {
    module = new wasm.Module(assemble(batch, pages));
    modules.set(key, module);
  }
  const exports = new wasm.Instance(module).exports as KernelExports;
  return {
    memory: Buffer.from(exports.memory.buffer),
    tweaksAt: batch,
    maskedAt: 2 * batch,
    initialAt: 3 * batch,
    mask: exports.mask,
    unmask: exports.unmask,
  };
}
