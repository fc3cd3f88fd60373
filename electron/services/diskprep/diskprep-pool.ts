import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { SeedshipError } from '../../../shared/api/errors';
import { DISKPREP_PROTOCOL_VERSION, type DiskPrepWorkerInit, type EncryptPiece, type FromDiskPrepWorker, type ToDiskPrepWorker, WORKER_SCRATCH_BYTES } from '../../workers/diskprep/protocol';
import { BlockArena, BlockBuffers } from './block-buffers';

/**
 * A drive takes a few hundred MB/s and each worker hashes and encrypts about 1 GB/s: more workers
 * than this would only hold more blocks (each keeps about five 4 MiB blocks in flight).
 */
const MAX_WORKERS = 8;

interface Pending {
  resolve: (value: FromDiskPrepWorker) => void;
  reject: (error: Error) => void;
}

/**
 * One diskprep-worker per core; `md5` hashes one 4 MiB block (on the copy and on the verify read)
 * on the least busy worker, `md5Encrypt` also encrypts it for the sectors it is written to. Workers are terminated on `close` (and so on cancel).
 *
 * Blocks taken from `blockBuffers` live in the pool's BlockArena, which every worker sees: they are
 * sent as offsets, not moved, and a worker hashes up to four of them at once (md5-lanes.ts). Any
 * other buffer is transferred to the worker and back.
 */
export class DiskPrepPool {
  private readonly workers: { worker: Worker; busy: number }[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | null = null;

  /** Workers running a key stretch: their own threads, so no block queues behind a second of SHA-256. */
  private readonly stretchers = new Set<Worker>();
  private readonly dir: string;
  private readonly arena: BlockArena;

  constructor(workerDir: string | undefined, size = Math.min(MAX_WORKERS, availableParallelism())) {
    const dir = workerDir ?? process.env.SEEDSHIP_WORKER_DIR;
    if (!dir) throw new Error('No worker folder given (workerDir, or SEEDSHIP_WORKER_DIR): disk prep needs dist/workers.');
    this.dir = dir;
    const count = Math.max(1, size);
    // Scratch for each worker, and one for the key stretchers (they never hash).
    this.arena = new BlockArena((count + 1) * WORKER_SCRATCH_BYTES);
    for (let i = 0; i < count; i += 1) this.workers.push(this.spawn(false, i * WORKER_SCRATCH_BYTES));
  }

  private spawn(urgent: boolean, scratchAt: number): { worker: Worker; busy: number } {
    const init: DiskPrepWorkerInit = { protocol: DISKPREP_PROTOCOL_VERSION, urgent, arena: this.arena.memory, scratchAt };
    const worker = new Worker(join(this.dir, 'diskprep-worker.mjs'), { workerData: init, resourceLimits: { maxYoungGenerationSizeMb: 8 } });
    const slot = { worker, busy: 0 };
    worker.on('message', (m: FromDiskPrepWorker) => this.onMessage(slot, m));
    worker.on('error', (error) => this.fail(error));
    return slot;
  }

  get size(): number {
    return this.workers.length;
  }

  /**
   * `count` blocks in the arena; close them once none is in use. Four blocks per worker in flight
   * let each hash a full set of lanes while the next ones are read.
   */
  blockBuffers(count: number): BlockBuffers {
    return new BlockBuffers(this.arena, count);
  }

  /**
   * Hashes one block (in the arena, or transferred to the worker and back); resolves with the hash
   * and the buffer.
   */
  async md5(data: Buffer): Promise<{ hash: string; data: Buffer }> {
    const view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const reply = await this.send({ type: 'md5', id: 0, data: view, inArena: this.arena.owns(data) }, this.transferOf(data));
    if (reply.type !== 'hashed') throw new Error('diskprep-worker answered out of turn.');
    return { hash: reply.hash, data: Buffer.from(reply.data.buffer, reply.data.byteOffset, reply.data.byteLength) };
  }

  /**
   * Gives every worker the XTS key for md5Encrypt or decryptMd5 (each its own transferred copy: none stays in
   * this thread). The caller still owns, and zeroes, `key`.
   */
  async useKey(key: Buffer, sectorSize: number, direction: 'encrypt' | 'decrypt'): Promise<void> {
    await Promise.all(
      this.workers.map((slot) => {
        const copy = new Uint8Array(key);
        return this.sendTo(slot, { type: 'key', id: 0, key: copy, sectorSize, direction }, [copy.buffer]);
      }),
    );
  }

  /** Drops the key in every worker. */
  async forgetKey(): Promise<void> {
    await Promise.all(this.workers.map((slot) => this.sendTo(slot, { type: 'forget-key', id: 0 }, [])));
  }

  /**
   * Hashes the first `hashBytes` of a block of plaintext, then encrypts each piece in place for the
   * sectors it is written to (useKey first); resolves with the hash and the buffer, now ciphertext.
   */
  async md5Encrypt(data: Buffer, hashBytes: number, pieces: EncryptPiece[]): Promise<{ hash: string; data: Buffer }> {
    const view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const reply = await this.send({ type: 'md5-encrypt', id: 0, data: view, inArena: this.arena.owns(data), hashBytes, pieces }, this.transferOf(data));
    if (reply.type !== 'hashed') throw new Error('diskprep-worker answered out of turn.');
    return { hash: reply.hash, data: Buffer.from(reply.data.buffer, reply.data.byteOffset, reply.data.byteLength) };
  }

  /** Decrypts the pieces of a block read from the volume in place (useKey 'decrypt' first), then hashes its first `hashBytes`. */
  async decryptMd5(data: Buffer, hashBytes: number, pieces: EncryptPiece[]): Promise<{ hash: string; data: Buffer }> {
    const view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const reply = await this.send({ type: 'decrypt-md5', id: 0, data: view, inArena: this.arena.owns(data), hashBytes, pieces }, this.transferOf(data));
    if (reply.type !== 'hashed') throw new Error('diskprep-worker answered out of turn.');
    return { hash: reply.hash, data: Buffer.from(reply.data.buffer, reply.data.byteOffset, reply.data.byteLength) };
  }

  /**
   * Stretches a recovery key on a worker thread of its own, ended afterwards (the coordinator's
   * thread and the pool's workers stay free for the blocks meanwhile); the caller zeroes both buffers.
   */
  async stretch(recoveryKey: Buffer, salt: Buffer): Promise<Buffer> {
    const key = new Uint8Array(recoveryKey);
    if (this.failure) throw this.failure;
    const slot = this.spawn(true, this.workers.length * WORKER_SCRATCH_BYTES);
    this.stretchers.add(slot.worker);
    try {
      const reply = await this.sendTo(slot, { type: 'stretch', id: 0, recoveryKey: key, salt: new Uint8Array(salt) }, [key.buffer]);
      if (reply.type !== 'stretched') throw new Error('diskprep-worker answered out of turn.');
      return Buffer.from(reply.key.buffer, reply.key.byteOffset, reply.key.byteLength);
    } finally {
      this.stretchers.delete(slot.worker);
      void slot.worker.terminate();
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.workers.map((w) => w.worker.terminate()), ...[...this.stretchers].map((w) => w.terminate())]);
    this.stretchers.clear();
    this.workers.length = 0;
    this.fail(new SeedshipError('CANCELLED', 'Disk prep stopped.'));
  }

  /** A block moves to the worker unless it is in the arena, which both threads see. */
  private transferOf(data: Buffer): ArrayBuffer[] {
    return this.arena.owns(data) ? [] : [data.buffer as ArrayBuffer];
  }

  private send(message: ToDiskPrepWorker, transfer: ArrayBuffer[]): Promise<FromDiskPrepWorker> {
    if (this.failure) return Promise.reject(this.failure);
    return this.sendTo(
      this.workers.reduce((a, b) => (b.busy < a.busy ? b : a)),
      message,
      transfer,
    );
  }

  private sendTo(slot: { worker: Worker; busy: number }, message: ToDiskPrepWorker, transfer: ArrayBuffer[]): Promise<FromDiskPrepWorker> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    slot.busy += 1;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ ...message, id }, transfer);
    });
  }

  private onMessage(slot: { busy: number }, m: FromDiskPrepWorker): void {
    const pending = this.pending.get(m.id);
    if (!pending) return;
    this.pending.delete(m.id);
    slot.busy -= 1;
    if (m.type === 'failed') pending.reject(new SeedshipError('INTERNAL', m.message));
    else pending.resolve(m);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }
}
