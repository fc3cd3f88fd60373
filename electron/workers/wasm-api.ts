/**
 * The slice of the WebAssembly API Seedship uses: Node has it, but neither lib ES2022 nor
 * @types/node 20 declare it.
 */
export interface WasmModule {
  readonly __wasmModule?: never;
}

export interface WasmMemory {
  /** An ArrayBuffer, or a SharedArrayBuffer for a shared memory (re-read after `grow`). */
  readonly buffer: ArrayBuffer;
  /** Adds `pages` 64 KiB pages; returns the size before, in pages. */
  grow(pages: number): number;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports?: Record<string, Record<string, unknown>>) => { exports: unknown };
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}

export const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export const WASM_PAGE_BYTES = 64 * 1024;

/** Unsigned LEB128, as the binary format writes sizes, counts and indexes. */
export function uleb(value: number): number[] {
  const out: number[] = [];
  let n = value;
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** A section of a module: its id, then its body's length. */
export const wasmSection = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

/** A name as the binary format writes it: length, then bytes. */
export const wasmName = (s: string): number[] => [s.length, ...Buffer.from(s, 'ascii')];
