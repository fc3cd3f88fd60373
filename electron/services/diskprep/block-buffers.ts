import { MANIFEST_BLOCK_BYTES } from '../../../shared/diskprep/diskprep-api';
import { WASM_PAGE_BYTES, type WasmMemory, wasm } from '../../workers/wasm-api';

const SLOT_PAGES = MANIFEST_BLOCK_BYTES / WASM_PAGE_BYTES;
/** 4 GiB: the most a WebAssembly memory can address. */
const MAX_PAGES = 65536;

/**
 * Disk prep's block memory: one shared WebAssembly memory that the coordinator and every worker
 * see, cut into 4 MiB slots after a scratch area of `scratchBytes` (the workers' own).
 *
 * - Its start is page-aligned, as O_DIRECT reads and writes need (Node's Buffers are only 16-byte
 *   aligned).
 * - A block is never moved or copied between threads: a worker reads and writes it where it lies,
 *   and its MD5 kernel works on this memory directly (md5-lanes.ts).
 * - Only the 4 GiB address range is reserved: pages are committed as slots are first used, and a
 *   released slot is reused, so memory stays bounded by the slots in use at once.
 */
export class BlockArena {
  readonly memory: WasmMemory;
  private readonly free: number[] = [];
  /** The SharedArrayBuffers whose views this arena handed out: how `owns` recognizes its blocks. */
  private readonly buffers = new WeakSet<object>();

  constructor(scratchBytes: number) {
    const pages = Math.max(1, Math.ceil(scratchBytes / WASM_PAGE_BYTES));
    this.memory = new wasm.Memory({ initial: pages, maximum: MAX_PAGES, shared: true });
  }

  /** `count` slots (4 MiB views of the memory): free ones first, the memory grown for the rest. */
  take(count: number): Buffer[] {
    const offsets = this.free.splice(0, count);
    const more = count - offsets.length;
    if (more > 0) {
      const start = this.memory.grow(more * SLOT_PAGES) * WASM_PAGE_BYTES;
      for (let i = 0; i < more; i += 1) offsets.push(start + i * MANIFEST_BLOCK_BYTES);
    }
    const shared = this.memory.buffer;
    this.buffers.add(shared);
    return offsets.map((at) => Buffer.from(shared, at, MANIFEST_BLOCK_BYTES));
  }

  give(slots: readonly Buffer[]): void {
    this.free.push(...slots.map((s) => s.byteOffset));
  }

  /** Whether `data` lies in this arena (then its byteOffset is its address in `memory`). */
  owns(data: Uint8Array): boolean {
    return this.buffers.has(data.buffer);
  }
}

/**
 * A fixed set of reused block buffers (slots of the arena): memory stays bounded whatever the data
 * size, and a buffer goes back to the set when the worker that hashed it is done with it. `close`
 * returns the slots to the arena.
 */
export class BlockBuffers {
  private readonly slots: Buffer[];
  private readonly free: Buffer[];
  private readonly waiting: { resolve: (b: Buffer) => void; reject: (e: unknown) => void }[] = [];
  private failure: unknown = null;

  constructor(
    private readonly arena: BlockArena,
    count: number,
  ) {
    this.slots = arena.take(count);
    this.free = [...this.slots];
  }

  take(): Promise<Buffer> {
    if (this.failure !== null) return Promise.reject(this.failure);
    const b = this.free.pop();
    return b ? Promise.resolve(b) : new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  give(buffer: Buffer): void {
    const next = this.waiting.shift();
    if (next) next.resolve(buffer);
    else this.free.push(buffer);
  }

  fail(error: unknown): void {
    this.failure ??= error;
    for (const w of this.waiting.splice(0)) w.reject(error);
  }

  /** Back to the arena; call once no block of the set is in use. */
  close(): void {
    this.fail(new Error('These block buffers were closed.'));
    this.arena.give(this.slots);
  }
}
