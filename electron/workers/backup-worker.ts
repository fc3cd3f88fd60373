import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { packChunk } from './backup/chunk-compression';
import { chunkId, sealChunk, type RepositoryKeys } from './backup/chunk-crypto';
import { PackWriter, type FinishedPack } from './backup/pack-file';
import type { FromWorker, PackedChunk, Segment, ToWorker, WorkerInit } from './backup/protocol';
import { isAllZero, readSegmentChunks, type SegmentReadResult } from './backup/segment-chunker';

/**
 * A backup chunk worker: reads the segments the coordinator sends, chunks, names, compresses,
 * encrypts and packs them. One per core; each writes its own pack files.
 */
const port = parentPort;
if (!port) throw new Error('backup-worker must run as a worker thread.');
lowerThreadPriority();
const init = workerData as WorkerInit;
const keys: RepositoryKeys = { encryption: Buffer.from(init.encryptionKey), identity: Buffer.from(init.identityKey) };
const writer = new PackWriter(init.repoDir, keys, init.packTargetBytes);
const rawLengths = new Map<string, number>();
/** Window per read: big enough that the carried tail (< maxSize) is a small share of it. */
const WINDOW_BYTES = 4 * init.chunker.maxSize;
/** Small files are batched so one claim round trip covers many of them. */
const BATCH_BYTES = 16 * 1024 * 1024;

const queue: Segment[] = [];
let claimWaiter: ((fresh: boolean[]) => void) | null = null;
let batchSeq = 0;
let busy = false;
let pendingControl: 'flush' | 'abort' | null = null;

function send(message: FromWorker, transfer?: ArrayBuffer[]): void {
  port?.postMessage(message, transfer ?? []);
}

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'segment':
      queue.push(message.segment);
      void pump();
      break;
    case 'claimed':
      claimWaiter?.(message.fresh);
      claimWaiter = null;
      break;
    case 'flush':
    case 'abort':
      pendingControl = message.type;
      void pump();
      break;
  }
});

interface PendingChunk {
  id: string;
  data: Buffer;
}
interface OpenSegment {
  segment: Segment;
  chunks: string[];
  sizes: number[];
  zero: boolean[];
  result: SegmentReadResult;
  error: { code: string; message: string } | null;
}

async function pump(): Promise<void> {
  if (busy) return;
  busy = true;
  try {
    while (queue.length > 0) await processBatch();
    if (pendingControl === 'flush') {
      pendingControl = null;
      const pack = await writer.flush();
      if (pack) reportPack(pack);
      send({ type: 'flushed' });
    } else if (pendingControl === 'abort') {
      pendingControl = null;
      queue.length = 0;
      await writer.abort();
      send({ type: 'aborted' });
    }
  } catch (error) {
    send({ type: 'fatal', message: (error as Error).message });
  } finally {
    busy = false;
  }
}

/**
 * Takes segments off the queue until about BATCH_BYTES of chunks are waiting, claims them in one
 * round trip, stores the fresh ones, then reports the segments that are complete.
 */
async function processBatch(): Promise<void> {
  let pending: PendingChunk[] = [];
  let pendingBytes = 0;
  const finished: OpenSegment[] = [];
  while (queue.length > 0 && pendingBytes < BATCH_BYTES && pendingControl !== 'abort') {
    const segment = queue.shift() as Segment;
    const open: OpenSegment = { segment, chunks: [], sizes: [], zero: [], result: { bytesRead: 0, changed: false }, error: null };
    try {
      for (const window of readSegmentChunks(segment, init.chunker, WINDOW_BYTES, open.result)) {
        for (const { data } of window) {
          const id = chunkId(keys, data);
          open.chunks.push(id);
          open.sizes.push(data.length);
          open.zero.push(isAllZero(data));
          pending.push({ id, data });
          pendingBytes += data.length;
        }
        send({ type: 'progress', bytes: window.reduce((n, c) => n + c.data.length, 0) });
        // A big segment flushes its chunks window by window to keep memory bounded.
        if (pendingBytes >= BATCH_BYTES) {
          await store(pending);
          pending = [];
          pendingBytes = 0;
        }
      }
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      open.error = { code: e.code ?? 'EIO', message: e.message };
    }
    finished.push(open);
  }
  await store(pending);
  for (const open of finished) {
    send({
      type: 'segment-done',
      seq: open.segment.seq,
      chunks: open.error ? [] : open.chunks,
      sizes: open.error ? [] : open.sizes,
      zero: open.error ? [] : open.zero,
      bytesRead: open.result.bytesRead,
      changed: open.result.changed,
      error: open.error,
    });
  }
}

async function store(chunks: PendingChunk[]): Promise<void> {
  if (chunks.length === 0) return;
  const batch = (batchSeq += 1);
  const fresh = await new Promise<boolean[]>((resolve) => {
    claimWaiter = resolve;
    send({ type: 'claim', batch, ids: chunks.map((c) => c.id) });
  });
  for (let i = 0; i < chunks.length; i += 1) {
    if (!fresh[i]) continue;
    const { id, data } = chunks[i] as PendingChunk;
    rawLengths.set(id, data.length);
    const pack = await writer.add(id, sealChunk(keys, id, packChunk(data)));
    if (pack) reportPack(pack);
  }
}

function reportPack(pack: FinishedPack): void {
  const entries: PackedChunk[] = pack.entries.map((e) => ({ ...e, rawLength: rawLengths.get(e.id) ?? 0 }));
  for (const e of pack.entries) rawLengths.delete(e.id);
  send({ type: 'pack', packId: pack.packId, size: pack.size, entries });
}

/**
 * On Linux a thread has its own nice value: lowering this worker's lets the UI thread (and the
 * operator's other programs) win the CPU whenever they want it, so the app stays responsive while
 * every core works on the backup. Elsewhere, and if refused, the default priority stays.
 */
function lowerThreadPriority(): void {
  if (process.platform !== 'linux') return;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, 10);
  } catch {
    // Not fatal: the backup just competes at normal priority.
  }
}
