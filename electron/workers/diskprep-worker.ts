import { createHash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { DISKPREP_PROTOCOL_VERSION, type DiskPrepWorkerInit, type FromDiskPrepWorker, type ToDiskPrepWorker } from './diskprep/protocol';
import { lowerThreadPriority } from './thread-priority';

/**
 * A disk-prep hashing worker: the MD5 of each 4 MiB block, on the copy and on the verify read.
 * MD5 (about 600 MB/s per core) is disk prep's bottleneck, so one of these runs per core; blocks
 * arrive as transferred buffers and go back the same way (no copies, memory bounded).
 */
const port = parentPort;
if (!port) throw new Error('diskprep-worker must run as a worker thread.');
lowerThreadPriority();
const init = workerData as DiskPrepWorkerInit;
if (init.protocol !== DISKPREP_PROTOCOL_VERSION) {
  throw new Error(`diskprep-worker speaks protocol ${DISKPREP_PROTOCOL_VERSION}, the coordinator ${String(init.protocol)}: restart Seedship.`);
}

port.on('message', (message: ToDiskPrepWorker) => {
  let reply: FromDiskPrepWorker;
  try {
    reply = { type: 'hashed', id: message.id, hash: createHash('md5').update(message.data).digest('hex').toUpperCase(), data: message.data };
  } catch (error) {
    reply = { type: 'failed', id: message.id, message: (error as Error).message };
  }
  port.postMessage(reply, reply.type === 'hashed' ? [message.data.buffer as ArrayBuffer] : []);
});
