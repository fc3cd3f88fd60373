import { createHash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { DISKPREP_PROTOCOL_VERSION, type DiskPrepWorkerInit, type FromDiskPrepWorker, type ToDiskPrepWorker, WORKER_SCRATCH_BYTES, WORKER_XTS_SCRATCH_AT } from './diskprep/protocol';
import { lowerThreadPriority } from './thread-priority';
import { Md5Lanes } from './diskprep/md5-lanes';
import { stretchRecoveryKey } from './volume/stretch-key';
import { XTS_SHARED_SCRATCH_BYTES, XtsSectorCipher } from './volume/xts-sectors';

/**
 * A disk-prep worker: the MD5 of each 4 MiB block (on the copy and on the verify read), and for
 * files written straight to their clusters, the MD5 then the XTS encryption of each block for its
 * target sectors. MD5 is the CPU's bulk of disk prep, so one of these runs per core and hashes up
 * to four blocks at once (md5-lanes.ts); blocks lie in the shared block arena (or arrive as
 * transferred buffers and go back the same way): no copies, memory bounded.
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
const lanes = new Md5Lanes(init.arena, init.scratchAt);
if (WORKER_XTS_SCRATCH_AT + XTS_SHARED_SCRATCH_BYTES > WORKER_SCRATCH_BYTES) throw new Error('diskprep-worker: the XTS scratch does not fit the worker’s share of the arena.');
/** Where this worker's XTS ciphers keep their tweaks (used by one cipher at a time: this thread's). */
const xtsScratch = { memory: init.arena, scratchAt: init.scratchAt + WORKER_XTS_SCRATCH_AT };

type BlockMessage = Extract<ToDiskPrepWorker, { type: 'md5' | 'md5-encrypt' | 'decrypt-md5' }>;
const isBlock = (m: ToDiskPrepWorker): m is BlockMessage => m.type === 'md5' || m.type === 'md5-encrypt' || m.type === 'decrypt-md5';

/**
 * Messages in arrival order. Arena blocks are hashed up to four at a time, so what arrives while a
 * set is hashed waits to join the next; a set never reaches past another kind of message (a key).
 */
const queued: ToDiskPrepWorker[] = [];
let draining = false;

port.on('message', (message: ToDiskPrepWorker) => {
  queued.push(message);
  if (!draining) {
    draining = true;
    setImmediate(drain);
  }
});

function send(reply: FromDiskPrepWorker): void {
  // A block in the arena stays where it is; any other buffer moves back.
  const moved = reply.type === 'hashed' ? reply.data.buffer : reply.type === 'stretched' ? reply.key.buffer : null;
  port?.postMessage(reply, moved instanceof ArrayBuffer ? [moved] : []);
}

function drain(): void {
  const first = queued.shift();
  if (!first) {
    draining = false;
    return;
  }
  if (isBlock(first)) hashSet(first);
  else {
    let reply: FromDiskPrepWorker;
    try {
      reply = handle(first);
    } catch (error) {
      reply = { type: 'failed', id: first.id, message: (error as Error).message };
    }
    send(reply);
  }
  setImmediate(drain);
}

/**
 * Hashes `first` with, when it is in the arena, up to three more queued arena blocks of the same
 * length (decrypted before, encrypted after, as each asks); one alone goes to OpenSSL's MD5, faster
 * for one.
 */
function hashSet(first: BlockMessage): void {
  const length = hashLength(first);
  const set = [first];
  for (let i = 0; first.inArena && i < queued.length && set.length < 4; ) {
    const m = queued[i] as ToDiskPrepWorker;
    if (!isBlock(m) || !m.inArena) break;
    if (hashLength(m) === length) set.push(...(queued.splice(i, 1) as BlockMessage[]));
    else i += 1;
  }
  const failed = new Map<BlockMessage, string>();
  const attempt = (m: BlockMessage, work: () => void) => {
    if (failed.has(m)) return;
    try {
      work();
    } catch (error) {
      failed.set(m, (error as Error).message);
    }
  };
  for (const m of set) if (m.type === 'decrypt-md5') attempt(m, () => transform(m, decryptor, 'decrypt-md5 without a decryption key.'));
  const hashed = set.filter((m) => !failed.has(m));
  let hashes: string[] = [];
  try {
    if (hashed.length === 1) hashes = [md5(blockOf(hashed[0] as BlockMessage).subarray(0, length))];
    else if (hashed.length > 1) hashes = lanes.hash(hashed.map((m) => ({ at: m.data.byteOffset, length })));
  } catch (error) {
    for (const m of hashed) failed.set(m, (error as Error).message);
  }
  // The manifest's hash is of the plaintext: hashed first, then the same bytes encrypted in place.
  for (const m of set) if (m.type === 'md5-encrypt') attempt(m, () => transform(m, encryptor, 'md5-encrypt without an encryption key.'));
  for (const m of set) {
    const problem = failed.get(m);
    send(problem !== undefined ? { type: 'failed', id: m.id, message: problem } : { type: 'hashed', id: m.id, hash: hashes[hashed.indexOf(m)] as string, data: m.data });
  }
}

const hashLength = (m: BlockMessage) => (m.type === 'md5' ? m.data.byteLength : m.hashBytes);
const blockOf = (m: BlockMessage) => Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength);

/** XTS over each piece of the block, in place. */
function transform(m: Extract<BlockMessage, { pieces: unknown }>, cipher: XtsSectorCipher | null, missing: string): void {
  if (!cipher) throw new Error(missing);
  // An arena block is transformed where it lies; any other is copied through the cipher's own memory.
  if (m.inArena) for (const p of m.pieces) cipher.transformShared(m.data.byteOffset + p.offset, p.length, p.firstSector);
  else {
    const block = blockOf(m);
    for (const p of m.pieces) cipher.transformInPlace(block.subarray(p.offset, p.offset + p.length), p.firstSector);
  }
}

/** Every message but a block's (those go to hashSet). */
function handle(message: Exclude<ToDiskPrepWorker, BlockMessage>): FromDiskPrepWorker {
  switch (message.type) {
    case 'key': {
      const key = Buffer.from(message.key.buffer, message.key.byteOffset, message.key.byteLength);
      const cipher = new XtsSectorCipher(key, message.sectorSize, message.direction, xtsScratch);
      if (message.direction === 'encrypt') encryptor = cipher;
      else decryptor = cipher;
      // The AES contexts hold the key schedule now; no other copy stays in this thread's memory.
      key.fill(0);
      return { type: 'ok', id: message.id };
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
