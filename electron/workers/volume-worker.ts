import { closeSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { VOLUME_PROTOCOL_VERSION, type FromVolumeWorker, type Slice, type ToVolumeWorker, type VolumeWorkerInit } from './volume/protocol';
import { lowerThreadPriority } from './thread-priority';
import { XtsSectorCipher } from './volume/xts-sectors';

/**
 * A sector encryption worker: reads each slice it is sent from the device into one reused buffer,
 * XTS-encrypts it (tweak = sector number) and writes it back at the same offset. One per core.
 */
const port = parentPort;
if (!port) throw new Error('volume-worker must run as a worker thread.');
lowerThreadPriority();
const init = workerData as VolumeWorkerInit;
if (init.protocol !== VOLUME_PROTOCOL_VERSION) {
  // A coordinator from another build (an update installed mid-run): fail loudly, never hang.
  throw new Error(`volume-worker speaks protocol ${VOLUME_PROTOCOL_VERSION}, the coordinator ${String(init.protocol)}: restart Seedship.`);
}
const key = Buffer.from(init.key.buffer, init.key.byteOffset, init.key.byteLength);
const cipher = new XtsSectorCipher(key, init.sectorSize, 'encrypt');
// The AES contexts hold the key schedule now; no other copy stays in this thread's memory.
key.fill(0);
const fd = openSync(init.device, 'r+');
let buffer = Buffer.alloc(0);

function send(message: FromVolumeWorker): void {
  port?.postMessage(message);
}

port.on('message', (message: ToVolumeWorker) => {
  try {
    if (message.type === 'slice') {
      encryptSlice(message.slice);
      send({ type: 'slice-done', slice: message.slice });
    } else {
      // Flushed before answering: a slice reported done is on the device, so the caller's
      // metadata (what is encrypted) never runs ahead of the data.
      fsyncSync(fd);
      closeSync(fd);
      send({ type: 'stopped' });
      port.close();
    }
  } catch (error) {
    // The coordinator terminates this thread next; a descriptor isn't closed with its thread.
    try {
      closeSync(fd);
    } catch {
      // Already closed.
    }
    send({ type: 'fatal', message: (error as Error).message });
  }
});

function encryptSlice({ offset, length }: Slice): void {
  if (buffer.length < length) buffer = Buffer.allocUnsafeSlow(length);
  const data = buffer.subarray(0, length);
  for (let done = 0; done < length; ) {
    const n = readSync(fd, data, done, length - done, offset + done);
    if (n === 0) throw new Error(`${init.device} ends before byte ${offset + length}.`);
    done += n;
  }
  cipher.transformInPlace(data, offset / init.sectorSize);
  for (let done = 0; done < length; ) done += writeSync(fd, data, done, length - done, offset + done);
}
