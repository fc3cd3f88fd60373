import { existsSync, statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/** How often a running backup folds the catalog's log into the database (off the main thread). */
export const CHECKPOINT_EVERY_MS = 2000;

/**
 * A log this small is folded in on the caller's thread when the backup ends: a few milliseconds,
 * against about 40 ms to boot the worker (a no-change backup of 28,000 files leaves ~200 KB).
 */
const INLINE_LOG_BYTES = 1024 * 1024;

/**
 * Checkpoints a catalog from a worker thread while a backup runs (the catalog's own automatic
 * checkpoints are off meanwhile: see Catalog.beginBulkWrites), and once more, truncating the log,
 * when it ends. The worker starts once the log passes INLINE_LOG_BYTES, with a periodic checkpoint
 * or with `prepare` as the walk ends, so a large checkpoint never runs on the event loop's thread;
 * a smaller log is checkpointed on this thread at the end. Without the built worker (a bare test
 * setup) it checkpoints on this thread.
 */
export class CatalogCheckpointer {
  private worker: Worker | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly dbPath: string, private readonly workerEntry: string, private readonly fallback: () => void) {}

  /** Starts the worker now (it boots while the run's last work is done) if the log is large enough to need it. */
  prepare(): void {
    if (this.worker || !existsSync(this.workerEntry) || this.logBytes() < INLINE_LOG_BYTES) return;
    this.worker = new Worker(this.workerEntry, { workerData: { dbPath: this.dbPath }, resourceLimits: { maxYoungGenerationSizeMb: 2 } });
    this.worker.unref();
  }

  /** Starts a passive checkpoint unless one is still running (or the log is still small). */
  kick(): void {
    if (this.running) return;
    this.prepare();
    if (this.worker) this.running = this.checkpoint('PASSIVE').finally(() => (this.running = null));
  }

  /** Waits for a running checkpoint, truncates the log, and stops the worker. */
  async finish(): Promise<void> {
    this.prepare();
    if (!this.worker) return this.fallback();
    try {
      await this.running;
      await this.checkpoint('TRUNCATE');
    } finally {
      this.worker.postMessage({ type: 'close' });
    }
  }

  private logBytes(): number {
    try {
      return statSync(`${this.dbPath}-wal`).size;
    } catch {
      return 0;
    }
  }

  private checkpoint(mode: 'PASSIVE' | 'TRUNCATE'): Promise<void> {
    const worker = this.worker as Worker;
    return new Promise<void>((resolve, reject) => {
      const onMessage = (message: { type: 'done' } | { type: 'failed'; message: string }) => {
        worker.off('error', onError);
        if (message.type === 'done') resolve();
        else reject(new Error(`Checkpointing the backup catalog failed: ${message.message}`));
      };
      const onError = (error: Error) => {
        worker.off('message', onMessage);
        reject(error);
      };
      worker.once('message', onMessage);
      worker.once('error', onError);
      worker.postMessage({ type: 'checkpoint', mode });
    });
  }
}
