import { hash } from 'node:crypto';
import { uleb, type WasmModule, wasm, wasmName, wasmSection } from '../wasm-api';

/** Rounds of SHA-256 BitLocker uses to stretch a recovery key (libbde, dislocker, cryptsetup: 0x100000). */
export const STRETCH_ROUNDS = 0x100000;

/**
 * Stretches a 16-byte recovery key into the 32-byte AES-CCM key that wraps the VMK:
 * SHA-256 over the 88-byte record {last hash, initial hash = SHA-256(key), salt, count (u64 LE)},
 * repeated 2^20 times. It blocks the thread, so it is called once per open or prepare.
 *
 * The rounds run in a small WebAssembly module (below): one OpenSSL call per round cost about
 * 1 µs, most of it the call itself, so 2^20 of them took a second of CPU per drive; the module
 * keeps the record in registers and takes about half that.
 */
export function stretchRecoveryKey(recoveryKey: Buffer, salt: Buffer, rounds = STRETCH_ROUNDS): Buffer {
  if (salt.length !== 16) throw new RangeError('A stretch-key salt is 16 bytes.');
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 2 ** 31 - 1) throw new RangeError('Stretch rounds must be a positive 31-bit integer.');
  const { memory, stretch } = instance();
  const words = new DataView(memory.buffer);
  const initial = hash('sha256', recoveryKey, 'buffer');
  // The module takes SHA-256's big-endian words as numbers.
  for (let i = 0; i < 8; i += 1) words.setUint32(INITIAL_AT + 4 * i, initial.readUInt32BE(4 * i), true);
  for (let i = 0; i < 4; i += 1) words.setUint32(SALT_AT + 4 * i, salt.readUInt32BE(4 * i), true);
  initial.fill(0);
  // In slices: V8 first runs a module through its baseline compiler and swaps in optimized code
  // only between calls (about 6x faster here), never during one long call.
  for (let done = 0; done < rounds; done += SLICE_ROUNDS) stretch(Math.min(SLICE_ROUNDS, rounds - done));
  const key = Buffer.alloc(32);
  for (let i = 0; i < 8; i += 1) key.writeUInt32BE(words.getUint32(4 * i, true), 4 * i);
  new Uint8Array(memory.buffer).fill(0, 0, COUNT_AT + 4);
  return key;
}

/** The module's memory: the last hash (8 words) at 0, SHA-256(key) at 32, the salt at 64, the count at 80. */
const INITIAL_AT = 32;
const SALT_AT = 64;
const COUNT_AT = 80;
const SLICE_ROUNDS = 8192;

const OP = { loop: 0x03, end: 0x0b, brIf: 0x0d, localGet: 0x20, localSet: 0x21, localTee: 0x22, load: 0x28, store: 0x36, i32Const: 0x41, ltU: 0x49, add: 0x6a, and: 0x71, or: 0x72, xor: 0x73, shl: 0x74, shrU: 0x76, rotr: 0x78 } as const;
const I32 = 0x7f;
const VOID_BLOCK = 0x40;

type Code = number[];
const get = (i: number): Code => [OP.localGet, ...uleb(i)];
const set = (i: number): Code => [OP.localSet, ...uleb(i)];
const tee = (i: number): Code => [OP.localTee, ...uleb(i)];
const num = (n: number): Code => [OP.i32Const, ...sleb(n | 0)];
const binary = (op: number) => (x: Code, y: Code): Code => [...x, ...y, op];
const add = binary(OP.add);
const and = binary(OP.and);
const or = binary(OP.or);
const xor = binary(OP.xor);
const rotr = (x: Code, n: number): Code => [...x, ...num(n), OP.rotr];
const shr = (x: Code, n: number): Code => [...x, ...num(n), OP.shrU];
const shl = (x: Code, n: number): Code => [...x, ...num(n), OP.shl];

function sleb(value: number): number[] {
  const out: number[] = [];
  let n = value;
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) return [...out, byte];
    out.push(byte | 0x80);
  }
}

/** FIPS 180-4's constants: the first 32 bits of the fractional parts of the cube roots of the first 64 primes. */
const K = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];
const IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

/** Locals: 0 rounds (the parameter), then the count, the working state, the schedule, the last hash, SHA-256(key), the salt, the state a block began with, T1. */
const COUNT = 1;
const STATE = [2, 3, 4, 5, 6, 7, 8, 9];
const W = Array.from({ length: 16 }, (_, i) => 10 + i);
const LAST = Array.from({ length: 8 }, (_, i) => 26 + i);
const INITIAL = Array.from({ length: 8 }, (_, i) => 34 + i);
const SALT = [42, 43, 44, 45];
const BEGAN = Array.from({ length: 8 }, (_, i) => 46 + i);
const T1 = 54;
const LOCALS = 54;

/** The 64 rounds on STATE, W[0..15] holding the block's words; the schedule reuses W as a ring. */
function compress(): Code {
  const code: Code = [];
  let [a, b, c, d, e, f, g, h] = STATE as [number, number, number, number, number, number, number, number];
  for (let t = 0; t < 64; t += 1) {
    const w = W[t % 16] as number;
    if (t >= 16) {
      const w2 = get(W[(t - 2) % 16] as number);
      const w15 = get(W[(t - 15) % 16] as number);
      const sigma1 = xor(xor(rotr(w2, 17), rotr(w2, 19)), shr(w2, 10));
      const sigma0 = xor(xor(rotr(w15, 7), rotr(w15, 18)), shr(w15, 3));
      code.push(...add(add(add(sigma1, get(W[(t - 7) % 16] as number)), sigma0), get(w)), ...set(w));
    }
    const bigSigma1 = xor(xor(rotr(get(e), 6), rotr(get(e), 11)), rotr(get(e), 25));
    const choose = xor(get(g), and(get(e), xor(get(f), get(g))));
    code.push(...add(add(add(add(get(h), bigSigma1), choose), num(K[t] as number)), get(w)), ...tee(T1));
    code.push(...get(d), OP.add, ...set(d));
    const bigSigma0 = xor(xor(rotr(get(a), 2), rotr(get(a), 13)), rotr(get(a), 22));
    const majority = or(and(get(a), get(b)), and(get(c), or(get(a), get(b))));
    code.push(...add(add(get(T1), bigSigma0), majority), ...set(h));
    [a, b, c, d, e, f, g, h] = [h, a, b, c, d, e, f, g];
  }
  return code;
}

function assemble(): Uint8Array {
  const body: Code = [1, LOCALS, I32];
  const load = (at: number): Code => [...num(0), OP.load, 2, ...uleb(at)];
  INITIAL.forEach((local, i) => body.push(...load(INITIAL_AT + 4 * i), ...set(local)));
  SALT.forEach((local, i) => body.push(...load(SALT_AT + 4 * i), ...set(local)));
  // Carries on from where the last call stopped (a fresh memory is zeroes: the first call starts at count 0).
  LAST.forEach((local, i) => body.push(...load(4 * i), ...set(local)));
  // The parameter becomes the count to stop at.
  body.push(...load(COUNT_AT), ...set(COUNT), ...add(get(COUNT), get(0)), ...set(0));
  body.push(OP.loop, VOID_BLOCK);
  // Block 1: the last hash, then SHA-256(key).
  STATE.forEach((local, i) => body.push(...num(IV[i] as number), ...set(local)));
  W.forEach((local, i) => body.push(...get(i < 8 ? (LAST[i] as number) : (INITIAL[i - 8] as number)), ...set(local)));
  body.push(...compress());
  STATE.forEach((local, i) => body.push(...add(get(local), num(IV[i] as number)), ...tee(local), ...set(BEGAN[i] as number)));
  // Block 2: the salt, the count (a u64 stored little-endian: its low word byte-swapped), then
  // SHA-256's padding for 88 bytes: 0x80, zeros, the length in bits (704).
  const count = get(COUNT);
  const swapped = or(or(shl(count, 24), shl(and(count, num(0xff00)), 8)), or(and(shr(count, 8), num(0xff00)), shr(count, 24)));
  const block2: Code[] = [...SALT.map(get), swapped, num(0), num(0x80000000), ...Array.from({ length: 8 }, () => num(0)), num(704)];
  block2.forEach((word, i) => body.push(...word, ...set(W[i] as number)));
  body.push(...compress());
  STATE.forEach((local, i) => body.push(...add(get(local), get(BEGAN[i] as number)), ...set(LAST[i] as number)));
  body.push(...add(get(COUNT), num(1)), ...tee(COUNT), ...get(0), OP.ltU, OP.brIf, 0, OP.end);
  LAST.forEach((local, i) => body.push(...num(0), ...get(local), OP.store, 2, ...uleb(4 * i)));
  body.push(...num(0), ...get(COUNT), OP.store, 2, ...uleb(COUNT_AT));
  body.push(OP.end);
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...wasmSection(1, [1, 0x60, 1, I32, 0]), // stretch(rounds): that many more rounds
    ...wasmSection(3, [1, 0]),
    ...wasmSection(5, [1, 0, 1]), // one page
    ...wasmSection(7, [2, ...wasmName('memory'), 2, 0, ...wasmName('stretch'), 0, 0]),
    ...wasmSection(10, [1, ...uleb(body.length), ...body]),
  ]);
}

let module: WasmModule | null = null;

/** A fresh instance per call: no key material outlives it in a shared memory. */
function instance(): { memory: { buffer: ArrayBuffer }; stretch: (rounds: number) => void } {
  module ??= new wasm.Module(assemble());
  return new wasm.Instance(module).exports as { memory: { buffer: ArrayBuffer }; stretch: (rounds: number) => void };
}
