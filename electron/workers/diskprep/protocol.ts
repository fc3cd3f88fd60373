/** Messages between the disk-prep coordinator and its worker threads (one per core). */
export const DISKPREP_PROTOCOL_VERSION = 1;

export interface DiskPrepWorkerInit {
  protocol: number;
}

/** Hash one block; the buffer is transferred to the worker, and back with the answer. */
export type ToDiskPrepWorker = { type: 'md5'; id: number; data: Uint8Array };

export type FromDiskPrepWorker = { type: 'hashed'; id: number; hash: string; data: Uint8Array } | { type: 'failed'; id: number; message: string };
