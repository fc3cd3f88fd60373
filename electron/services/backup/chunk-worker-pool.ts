import { Worker } from 'node:worker_threads';
import { splitIds, type FromWorker, type PackedChunk, type Segment, type SegmentDone, type SegmentsDone, type ToWorker, type WorkerInit } from '../../workers/backup/protocol';

export type SegmentResult = Omit<SegmentDone, 'seq'>;

export interface ChunkWorkerPoolOptions {
  entry: string;
  count: number;
  init: WorkerInit;
  /** Answers a worker's claim: true for each chunk this run hasn't stored yet (and claims it). */
  claim(id: string): boolean;
  onPack(packId: string, size: number, entries: PackedChunk[]): void;
  onBytes(bytes: number): void;
}

interface Slot {
  worker: Worker;
  inFlight: number;
  queuedBytes: number;
  /** Segments not yet posted. */
  outbox: Segment[];
  control: { resolve: () => void; reject: (error: Error) => void } | null;
}

/**
 * What a worker may have queued: many small files (so a claim round trip covers a batch of them)
 * but a bounded amount of data (queued segments are only descriptors; the bound keeps the scan
 * from running far ahead of the work).
 */
const MAX_SEGMENTS = 64;
const MAX_QUEUED_BYTES = 96 * 1024 * 1024;
const OUTBOX_BATCH = 32;

/**
 * The chunk workers of one backup run (one per core). Segments go to the least busy worker; each
 * returns through the promise `submit` gave. A worker that dies fails the run: nothing half-written
 * becomes visible, because packs only appear when complete.
 */
export class ChunkWorkerPool {
  private readonly slots: Slot[] = [];
  private readonly waiting = new Map<number, { resolve: (r: SegmentResult) => void; reject: (e: Error) => void; slot: Slot; length: number }>();
  private capacityWaiters: (() => void)[] = [];
  private failure: Error | null = null;
  private sendScheduled = false;
  private released: { error: string | null } | null = null;

  constructor(private readonly options: ChunkWorkerPoolOptions) {}

  /** Workers start on the first segment: a backup where nothing changed never pays for them. */
  private spawn(): void {
    const { options } = this;
    for (let i = 0; i < options.count; i += 1) {
      // A small young generation: the worker's objects are few and short-lived (its data lives in
      // buffers outside the heap), and every MiB of semi-space is multiplied by the worker count.
      const holdPacks = options.init.holdPacks && this.released === null;
      const worker = new Worker(options.entry, { workerData: { ...options.init, holdPacks }, resourceLimits: { maxYoungGenerationSizeMb: 4 } });
      const slot: Slot = { worker, inFlight: 0, queuedBytes: 0, outbox: [], control: null };
      if (options.init.holdPacks && this.released?.error) this.post(slot, { type: 'release', error: this.released.error });
      worker.on('message', (message: FromWorker) => this.onMessage(slot, message));
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`A backup worker stopped unexpectedly (exit code ${code}).`));
      });
      this.slots.push(slot);
    }
  }

  /** Resolves once some worker has room for another segment (the scan's back-pressure). */
  async capacity(): Promise<void> {
    while (!this.failure && this.slots.length > 0 && !this.slots.some((s) => s.inFlight < MAX_SEGMENTS && s.queuedBytes < MAX_QUEUED_BYTES)) {
      await new Promise<void>((resolve) => this.capacityWaiters.push(resolve));
    }
    if (this.failure) throw this.failure;
  }

  submit(segment: Segment): Promise<SegmentResult> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.slots.length === 0) this.spawn();
    const slot = this.slots.reduce((a, b) => (b.queuedBytes < a.queuedBytes || (b.queuedBytes === a.queuedBytes && b.inFlight < a.inFlight) ? b : a));
    slot.inFlight += 1;
    slot.queuedBytes += segment.length;
    return new Promise((resolve, reject) => {
      this.waiting.set(segment.seq, { resolve, reject, slot, length: segment.length });
      slot.outbox.push(segment);
      // Segments go out in batches: one message per small file costs more than reading it.
      if (slot.outbox.length >= OUTBOX_BATCH) this.send(slot);
      else this.scheduleSend();
    });
  }

  /** Lets held packs take their final names (see WorkerInit.holdPacks), or fails them with `error`. */
  releasePacks(error: string | null): void {
    this.released = { error };
    for (const slot of this.slots) this.post(slot, { type: 'release', error });
  }

  /** Finishes every worker's open pack (end of a run). */
  flush(): Promise<void> {
    return this.control('flush');
  }

  /** Drops every worker's open pack and queued segments (cancel). */
  abort(): Promise<void> {
    return this.control('abort');
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private scheduleSend(): void {
    if (this.sendScheduled) return;
    this.sendScheduled = true;
    setImmediate(() => {
      this.sendScheduled = false;
      for (const slot of this.slots) this.send(slot);
    });
  }

  private send(slot: Slot): void {
    if (slot.outbox.length === 0) return;
    this.post(slot, { type: 'segments', segments: slot.outbox.splice(0) });
  }

  private control(type: 'flush' | 'abort'): Promise<void> {
    for (const slot of this.slots) this.send(slot);
    if (this.failure) return Promise.reject(this.failure);
    return Promise.all(
      this.slots.map(
        (slot) =>
          new Promise<void>((resolve, reject) => {
            slot.control = { resolve, reject };
            this.post(slot, { type });
          }),
      ),
    ).then(() => undefined);
  }

  private post(slot: Slot, message: ToWorker): void {
    slot.worker.postMessage(message);
  }

  private onMessage(slot: Slot, message: FromWorker): void {
    switch (message.type) {
      case 'claim': {
        const ids = splitIds(message.ids);
        const fresh = new Uint8Array(ids.length);
        ids.forEach((id, i) => (fresh[i] = this.options.claim(id) ? 1 : 0));
        this.post(slot, { type: 'claimed', batch: message.batch, fresh });
        break;
      }
      case 'progress':
        this.options.onBytes(message.bytes);
        break;
      case 'segments-done': {
        for (const { seq, ...result } of unpackResults(message.done)) {
          const waiter = this.waiting.get(seq);
          this.waiting.delete(seq);
          slot.inFlight -= 1;
          slot.queuedBytes -= waiter?.length ?? 0;
          waiter?.resolve(result);
        }
        this.wake();
        break;
      }
      case 'pack': {
        const { ids, offsets, lengths, rawLengths } = message.chunks;
        const entries: PackedChunk[] = splitIds(ids).map((id, i) => ({ id, offset: offsets[i] as number, length: lengths[i] as number, rawLength: rawLengths[i] as number }));
        this.options.onPack(message.packId, message.size, entries);
        break;
      }
      case 'flushed':
      case 'aborted':
        slot.control?.resolve();
        slot.control = null;
        break;
      case 'fatal':
        this.fail(new Error(message.message));
        break;
    }
  }

  private wake(): void {
    const waiters = this.capacityWaiters;
    this.capacityWaiters = [];
    for (const wake of waiters) wake();
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
    for (const slot of this.slots) slot.control?.reject(error);
    this.wake();
  }
}

/** The results of a segments-done message, one per segment. */
function unpackResults(done: SegmentsDone): SegmentDone[] {
  const results: SegmentDone[] = [];
  const errors = new Map(done.errors.map((e) => [e.index, { code: e.code, message: e.message }]));
  let at = 0;
  for (let i = 0; i < done.seqs.length; i += 1) {
    const count = done.chunkCounts[i] as number;
    const zero: boolean[] = new Array<boolean>(count);
    for (let c = 0; c < count; c += 1) zero[c] = done.zero[at + c] === 1;
    results.push({
      seq: done.seqs[i] as number,
      chunks: splitIds(done.ids, at, count),
      sizes: Array.from(done.sizes.subarray(at, at + count)),
      zero,
      bytesRead: done.bytesRead[i] as number,
      changed: done.changed[i] === 1,
      error: errors.get(i) ?? null,
    });
    at += count;
  }
  return results;
}
