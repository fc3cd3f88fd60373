import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { SeedshipError } from '../../../shared/api/errors';
import { DISKPREP_PROTOCOL_VERSION, type DiskPrepWorkerInit, type FromDiskPrepWorker, type ToDiskPrepWorker } from '../../workers/diskprep/protocol';

interface Pending {
  resolve: (value: FromDiskPrepWorker) => void;
  reject: (error: Error) => void;
}

/**
 * One diskprep-worker per core; `md5` hashes one 4 MiB block (on the copy and on the verify read)
 * on the least busy worker. Workers are terminated on `close` (and so on cancel).
 */
export class DiskPrepPool {
  private readonly workers: { worker: Worker; busy: number }[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | null = null;

  constructor(workerDir: string | undefined, size = availableParallelism()) {
    const dir = workerDir ?? process.env.SEEDSHIP_WORKER_DIR;
    if (!dir) throw new Error('No worker folder given (workerDir, or SEEDSHIP_WORKER_DIR): disk prep needs dist/workers.');
    const init: DiskPrepWorkerInit = { protocol: DISKPREP_PROTOCOL_VERSION };
    for (let i = 0; i < Math.max(1, size); i += 1) {
      const worker = new Worker(join(dir, 'diskprep-worker.mjs'), { workerData: init, resourceLimits: { maxYoungGenerationSizeMb: 8 } });
      const slot = { worker, busy: 0 };
      worker.on('message', (m: FromDiskPrepWorker) => this.onMessage(slot, m));
      worker.on('error', (error) => this.fail(error));
      this.workers.push(slot);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /** Hashes one block (transferred to the worker and back); resolves with the hash and the buffer. */
  async md5(data: Buffer): Promise<{ hash: string; data: Buffer }> {
    const view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const reply = await this.send({ type: 'md5', id: 0, data: view }, [data.buffer as ArrayBuffer]);
    if (reply.type !== 'hashed') throw new Error('diskprep-worker answered out of turn.');
    return { hash: reply.hash, data: Buffer.from(reply.data.buffer, reply.data.byteOffset, reply.data.byteLength) };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
    this.workers.length = 0;
    this.fail(new SeedshipError('CANCELLED', 'Disk prep stopped.'));
  }

  private send(message: ToDiskPrepWorker, transfer: ArrayBuffer[]): Promise<FromDiskPrepWorker> {
    if (this.failure) return Promise.reject(this.failure);
    const slot = this.workers.reduce((a, b) => (b.busy < a.busy ? b : a));
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
