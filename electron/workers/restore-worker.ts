import { parentPort, workerData } from 'node:worker_threads';
import { restoreSnapshot, type RestoreProgress, type RestoreResult } from './backup/restore-snapshot';

/** Data the restore worker starts with: where staging is, the keys, what to bring back, and where. */
export interface RestoreWorkerData {
  repoDir: string;
  encryptionKey: Uint8Array;
  identityKey: Uint8Array;
  snapshotId?: string;
  to: string;
  paths?: string[];
  /** Set element 0 to 1 to cancel. */
  cancel: SharedArrayBuffer;
}

export type RestoreWorkerMessage =
  | { type: 'progress'; progress: RestoreProgress }
  | { type: 'warning'; path: string; reason: string }
  | { type: 'done'; result: RestoreResult }
  | { type: 'failed'; message: string; cancelled: boolean };

const port = parentPort;
if (!port) throw new Error('restore-worker must run as a worker thread.');
const data = workerData as RestoreWorkerData;
// Restore runs synchronous I/O, so a posted "cancel" would wait; a shared flag is seen at once.
const cancelFlag = new Int32Array(data.cancel);
const send = (message: RestoreWorkerMessage) => port.postMessage(message);

restoreSnapshot(
  {
    repoDir: data.repoDir,
    keys: { encryption: Buffer.from(data.encryptionKey), identity: Buffer.from(data.identityKey) },
    to: data.to,
    ...(data.snapshotId ? { snapshotId: data.snapshotId } : {}),
    ...(data.paths ? { paths: data.paths } : {}),
  },
  {
    onProgress: (progress) => send({ type: 'progress', progress }),
    onWarning: (path, reason) => send({ type: 'warning', path, reason }),
    cancelled: () => Atomics.load(cancelFlag, 0) === 1,
  },
)
  .then((result) => send({ type: 'done', result }))
  .catch((error: Error & { code?: string }) => send({ type: 'failed', message: error.message, cancelled: error.code === 'CANCELLED' }))
  .finally(() => port.close());
