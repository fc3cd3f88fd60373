import { Worker } from 'node:worker_threads';
import { SeedshipError } from '../../../shared/api/errors';
import type { RestoreProgress, RestoreResult } from '../../workers/backup/restore-snapshot';
import type { RestoreWorkerData, RestoreWorkerMessage } from '../../workers/restore-worker';
import type { OpenRepository } from './repository';

export interface RestoreRunOptions {
  repo: OpenRepository;
  workerEntry: string;
  snapshotId?: string;
  to: string;
  paths?: string[];
  signal: AbortSignal;
  onProgress(progress: RestoreProgress): void;
  onWarning(path: string, reason: string): void;
}

/** Runs a restore in a worker thread (decryption and writes stay off this thread); cancel via `signal`. */
export function runRestore(options: RestoreRunOptions): Promise<RestoreResult> {
  const cancel = new SharedArrayBuffer(4);
  const data: RestoreWorkerData = {
    repoDir: options.repo.dir,
    encryptionKey: options.repo.keys.encryption,
    identityKey: options.repo.keys.identity,
    to: options.to,
    cancel,
    ...(options.snapshotId ? { snapshotId: options.snapshotId } : {}),
    ...(options.paths ? { paths: options.paths } : {}),
  };
  return new Promise((resolve, reject) => {
    const worker = new Worker(options.workerEntry, { workerData: data });
    const onAbort = () => Atomics.store(new Int32Array(cancel), 0, 1);
    options.signal.addEventListener('abort', onAbort, { once: true });
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      options.signal.removeEventListener('abort', onAbort);
      fn();
    };
    worker.on('message', (message: RestoreWorkerMessage) => {
      if (message.type === 'progress') options.onProgress(message.progress);
      else if (message.type === 'warning') options.onWarning(message.path, message.reason);
      else if (message.type === 'done') finish(() => resolve(message.result));
      else finish(() => reject(new SeedshipError(message.cancelled ? 'CANCELLED' : 'INTERNAL', message.cancelled ? 'The restore was cancelled; files restored so far stay in place.' : `The restore failed: ${message.message}`)));
    });
    worker.on('error', (error) => finish(() => reject(error)));
    worker.on('exit', (code) => finish(() => reject(new Error(`The restore worker stopped (exit code ${code}).`))));
  });
}
