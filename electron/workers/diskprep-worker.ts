import { createHash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { DISKPREP_PROTOCOL_VERSION, type DiskPrepWorkerInit, type FromDiskPrepWorker, type ToDiskPrepWorker } from './diskprep/protocol';
import { lowerThreadPriority } from './thread-priority';
import { stretchRecoveryKey } from './volume/stretch-key';
import { XtsSectorCipher } from './volume/xts-sectors';

/**
 * A disk-prep worker: the MD5 of each 4 MiB block (on the copy and on the verify read), and for
 * files written straight to their clusters, the MD5 then the XTS encryption of each block for its
 * target sectors. MD5 (about 600 MB/s per core) is the CPU's bulk of disk prep, so one of these
 * runs per core; blocks arrive as transferred buffers and go back the same way (no copies, memory
 * bounded).
 */
const port = parentPort;
if (!port) throw new Error('diskprep-worker must run as a worker thread.');
const init = workerData as DiskPrepWorkerInit;
if (!init.urgent) lowerThreadPriority();
if (init.protocol !== DISKPREP_PROTOCOL_VERSION) {
  throw new Error(`diskprep-worker speaks protocol ${DISKPREP_PROTOCOL_VERSION}, the coordinator ${String(init.protocol)}: restart Seedship.`);
}

/** One cipher per direction: the write pass encrypts while the readback of flushed files decrypts. */
let encryptor: XtsSectorCipher | null = null;
let decryptor: XtsSectorCipher | null = null;

port.on('message', (message: ToDiskPrepWorker) => {
  let reply: FromDiskPrepWorker;
  try {
    reply = handle(message);
  } catch (error) {
    reply = { type: 'failed', id: message.id, message: (error as Error).message };
  }
  port.postMessage(reply, reply.type === 'hashed' ? [reply.data.buffer as ArrayBuffer] : reply.type === 'stretched' ? [reply.key.buffer as ArrayBuffer] : []);
});

function handle(message: ToDiskPrepWorker): FromDiskPrepWorker {
  switch (message.type) {
    case 'md5':
      return { type: 'hashed', id: message.id, hash: md5(message.data), data: message.data };
    case 'key': {
      const key = Buffer.from(message.key.buffer, message.key.byteOffset, message.key.byteLength);
      const cipher = new XtsSectorCipher(key, message.sectorSize, message.direction);
      if (message.direction === 'encrypt') encryptor = cipher;
      else decryptor = cipher;
      // The AES contexts hold the key schedule now; no other copy stays in this thread's memory.
      key.fill(0);
      return { type: 'ok', id: message.id };
    }
    case 'md5-encrypt': {
      const cipher = encryptor;
      if (!cipher) throw new Error('md5-encrypt without an encryption key.');
      // The manifest's hash is of the plaintext: hash first, then encrypt the same bytes in place.
      const block = Buffer.from(message.data.buffer, message.data.byteOffset, message.data.byteLength);
      const hash = md5(block.subarray(0, message.hashBytes));
      for (const p of message.pieces) cipher.transformInPlace(block.subarray(p.offset, p.offset + p.length), p.firstSector);
      return { type: 'hashed', id: message.id, hash, data: message.data };
    }
    case 'decrypt-md5': {
      const cipher = decryptor;
      if (!cipher) throw new Error('decrypt-md5 without a decryption key.');
      const block = Buffer.from(message.data.buffer, message.data.byteOffset, message.data.byteLength);
      for (const p of message.pieces) cipher.transformInPlace(block.subarray(p.offset, p.offset + p.length), p.firstSector);
      return { type: 'hashed', id: message.id, hash: md5(block.subarray(0, message.hashBytes)), data: message.data };
    }
    case 'forget-key':
      encryptor = null;
      decryptor = null;
      return { type: 'ok', id: message.id };
    case 'stretch': {
      const recoveryKey = Buffer.from(message.recoveryKey.buffer, message.recoveryKey.byteOffset, message.recoveryKey.byteLength);
      const stretched = stretchRecoveryKey(recoveryKey, Buffer.from(message.salt));
      recoveryKey.fill(0);
      // Its own ArrayBuffer, transferred back (a small Buffer may sit in Node's shared pool).
      const key = new Uint8Array(stretched);
      stretched.fill(0);
      return { type: 'stretched', id: message.id, key };
    }
  }
}

function md5(data: Uint8Array): string {
  return createHash('md5').update(data).digest('hex').toUpperCase();
}
