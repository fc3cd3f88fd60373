import { uleb, type WasmMemory, type WasmModule, wasm, wasmName, wasmSection } from '../wasm-api';

/**
 * MD5 of four equal-length messages at once, one per 32-bit lane of WebAssembly SIMD (RFC 1321).
 *
 * One MD5 is a chain of dependent steps, so a core running one (OpenSSL's assembly: about 760 MB/s
 * here) waits on each step's latency; four lanes advance four chains for the same instructions.
 * Disk prep hashes every 4 MiB block twice (the copy and the verify read) and MD5 was the largest
 * share of its CPU time, so its workers hash blocks four at a time.
 *
 * The module imports the memory the blocks already live in (BlockArena, shared by every thread),
 * so nothing is copied; it is assembled below from a few dozen opcodes (no toolchain needed).
 */

const OP = { loop: 0x03, end: 0x0b, brIf: 0x0d, localGet: 0x20, localSet: 0x21, localTee: 0x22, i32Const: 0x41, i32Add: 0x6a, i32Sub: 0x6b, simd: 0xfd } as const;
const SIMD = { load: 0x00, store: 0x0b, const: 0x0c, shuffle: 0x0d, not: 0x4d, or: 0x50, xor: 0x51, bitselect: 0x52, i32x4Shl: 0xab, i32x4ShrU: 0xad, i32x4Add: 0xae } as const;
const I32 = 0x7f;
const V128 = 0x7b;
const VOID_BLOCK = 0x40;

const get = (i: number) => [OP.localGet, ...uleb(i)];
const set = (i: number) => [OP.localSet, ...uleb(i)];
const tee = (i: number) => [OP.localTee, ...uleb(i)];
const simd = (op: number, ...immediates: number[]) => [OP.simd, ...uleb(op), ...immediates];
/** A v128 load/store at `offset` past the address on the stack (alignment hint 16). */
const memoryOp = (op: number, offset: number) => simd(op, 4, ...uleb(offset));
const i32 = (n: number) => [OP.i32Const, ...sleb(n)];
const bytes32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];

function sleb(value: number): number[] {
  const out: number[] = [];
  let n = value | 0;
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) return [...out, byte];
    out.push(byte | 0x80);
  }
}

/** RFC 1321's per-step constants and rotations. */
const K = Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) >>> 0);
const SHIFTS = [
  [7, 12, 17, 22],
  [5, 9, 14, 20],
  [4, 11, 16, 23],
  [6, 10, 15, 21],
] as const;
const wordOf = (i: number) => [i, 5 * i + 1, 3 * i + 5, 7 * i][i >> 4] as number;

/** Locals of compress: 6 i32 parameters, then the v128s. */
const P = [0, 1, 2, 3]; // each lane's block pointer
const N = 4; // blocks left
const STATE = 5; // pointer to A, B, C, D (one v128 each, lane i = message i)
const ABCD = [6, 7, 8, 9];
const SAVED = [10, 11, 12, 13];
const M = Array.from({ length: 16 }, (_, i) => 14 + i);
const TMP = 30;
const T = [31, 32, 33, 34];
const V = [35, 36, 37, 38];
const V128_LOCALS = 33;

/** Interleaves the 32-bit words of two vectors: lo gives [x0 y0 x1 y1], hi [x2 y2 x3 y3]. */
const LO32 = [0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23];
const HI32 = [8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31];
/** Interleaves the 64-bit halves: lo gives [x.lo y.lo], hi [x.hi y.hi]. */
const LO64 = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];
const HI64 = [8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31];

function assemble(): Uint8Array {
  const body: number[] = [1, V128_LOCALS, V128];
  ABCD.forEach((local, i) => body.push(...get(STATE), ...memoryOp(SIMD.load, 16 * i), ...set(local)));
  body.push(OP.loop, VOID_BLOCK);
  // Transpose: M[w] holds word w of every lane's block.
  for (let q = 0; q < 4; q += 1) {
    V.forEach((local, lane) => body.push(...get(P[lane] as number), ...memoryOp(SIMD.load, 16 * q), ...set(local)));
    const shuffle = (x: number, y: number, lanes: number[], into: number) => body.push(...get(x), ...get(y), ...simd(SIMD.shuffle, ...lanes), ...set(into));
    const [v0, v1, v2, v3] = V as [number, number, number, number];
    const [t0, t1, t2, t3] = T as [number, number, number, number];
    shuffle(v0, v1, LO32, t0);
    shuffle(v0, v1, HI32, t1);
    shuffle(v2, v3, LO32, t2);
    shuffle(v2, v3, HI32, t3);
    shuffle(t0, t2, LO64, M[4 * q] as number);
    shuffle(t0, t2, HI64, M[4 * q + 1] as number);
    shuffle(t1, t3, LO64, M[4 * q + 2] as number);
    shuffle(t1, t3, HI64, M[4 * q + 3] as number);
  }
  ABCD.forEach((local, i) => body.push(...get(local), ...set(SAVED[i] as number)));
  let [a, b, c, d] = ABCD as [number, number, number, number];
  for (let i = 0; i < 64; i += 1) {
    const round = i >> 4;
    const s = SHIFTS[round]?.[i % 4] as number;
    // a = b + rotl(a + f(b, c, d) + K[i] + M[g], s)
    body.push(...get(b), ...get(a));
    if (round === 0) body.push(...get(c), ...get(d), ...get(b), ...simd(SIMD.bitselect)); // (b & c) | (~b & d)
    else if (round === 1) body.push(...get(b), ...get(c), ...get(d), ...simd(SIMD.bitselect)); // (d & b) | (~d & c)
    else if (round === 2) body.push(...get(b), ...get(c), ...simd(SIMD.xor), ...get(d), ...simd(SIMD.xor));
    else body.push(...get(c), ...get(b), ...get(d), ...simd(SIMD.not), ...simd(SIMD.or), ...simd(SIMD.xor)); // c ^ (b | ~d)
    body.push(...simd(SIMD.i32x4Add), ...get(M[wordOf(i) % 16] as number), ...simd(SIMD.const, ...[0, 1, 2, 3].flatMap(() => bytes32(K[i] as number))));
    body.push(...simd(SIMD.i32x4Add), ...simd(SIMD.i32x4Add), ...tee(TMP), ...i32(s), ...simd(SIMD.i32x4Shl), ...get(TMP), ...i32(32 - s), ...simd(SIMD.i32x4ShrU), ...simd(SIMD.or));
    body.push(...simd(SIMD.i32x4Add), ...set(a));
    [a, b, c, d] = [d, a, b, c];
  }
  ABCD.forEach((local, i) => body.push(...get(local), ...get(SAVED[i] as number), ...simd(SIMD.i32x4Add), ...set(local)));
  for (const p of P) body.push(...get(p), ...i32(64), OP.i32Add, ...set(p));
  body.push(...get(N), ...i32(1), OP.i32Sub, ...tee(N), OP.brIf, 0, OP.end);
  ABCD.forEach((local, i) => body.push(...get(STATE), ...get(local), ...memoryOp(SIMD.store, 16 * i)));
  body.push(OP.end);
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...wasmSection(1, [1, 0x60, 6, I32, I32, I32, I32, I32, I32, 0]), // compress(p0, p1, p2, p3, blocks, state)
    ...wasmSection(2, [1, ...wasmName('env'), ...wasmName('memory'), 0x02, 0x03, 1, ...uleb(65536)]), // shared memory, 1 page to 4 GiB
    ...wasmSection(3, [1, 0]),
    ...wasmSection(7, [1, ...wasmName('compress'), 0, 0]),
    ...wasmSection(10, [1, ...uleb(body.length), ...body]),
  ]);
}

let module: WasmModule | null = null;

/** Bytes of the memory Md5Lanes uses for its state and the messages' final blocks. */
export const MD5_LANES_SCRATCH_BYTES = 64 + 4 * 128;
const INITIAL = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];

export class Md5Lanes {
  private readonly compress: (p0: number, p1: number, p2: number, p3: number, blocks: number, state: number) => void;

  /** `scratchAt`: MD5_LANES_SCRATCH_BYTES of `memory`, 16-byte aligned, that this instance alone uses. */
  constructor(
    private readonly memory: WasmMemory,
    private readonly scratchAt: number,
  ) {
    if (scratchAt % 16 !== 0) throw new RangeError('The MD5 scratch area must be 16-byte aligned.');
    module ??= new wasm.Module(assemble());
    const instance = new wasm.Instance(module, { env: { memory } });
    this.compress = (instance.exports as { compress: Md5Lanes['compress'] }).compress;
  }

  /**
   * The uppercase hex MD5 of each message: one to four byte ranges [at, at + length) of the memory,
   * all of the same length (a lane left over hashes the first message again, unread).
   */
  hash(messages: readonly { at: number; length: number }[]): string[] {
    const first = messages[0];
    if (!first || messages.length > 4 || messages.some((m) => m.length !== first.length)) throw new RangeError('Md5Lanes hashes one to four messages of one length.');
    const lanes = [0, 1, 2, 3].map((i) => messages[i] ?? first);
    const bytes = new Uint8Array(this.memory.buffer);
    const words = new DataView(this.memory.buffer);
    const state = this.scratchAt;
    INITIAL.forEach((value, i) => {
      for (let lane = 0; lane < 4; lane += 1) words.setUint32(state + 16 * i + 4 * lane, value, true);
    });
    const length = first.length;
    const full = Math.floor(length / 64);
    if (full > 0) this.compress(...(lanes.map((m) => m.at) as [number, number, number, number]), full, state);
    // The final block(s): the tail, 0x80, zeros, then the length in bits (64-bit little-endian).
    const tail = length % 64;
    const finalBlocks = tail < 56 ? 1 : 2;
    const pads = lanes.map((m, lane) => {
      const at = state + 64 + 128 * lane;
      bytes.fill(0, at, at + 128);
      bytes.copyWithin(at, m.at + full * 64, m.at + length);
      bytes[at + tail] = 0x80;
      const end = at + finalBlocks * 64;
      words.setUint32(end - 8, (length * 8) % 2 ** 32, true);
      words.setUint32(end - 4, Math.floor((length * 8) / 2 ** 32), true);
      return at;
    });
    this.compress(...(pads as [number, number, number, number]), finalBlocks, state);
    return messages.map((_, lane) => {
      let hex = '';
      for (let i = 0; i < 4; i += 1) hex += words.getUint32(state + 16 * i + 4 * lane, true).toString(16).padStart(8, '0').match(/../g)?.reverse().join('') ?? '';
      return hex.toUpperCase();
    });
  }
}
