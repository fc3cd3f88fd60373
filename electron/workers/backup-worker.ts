import { parentPort, workerData } from 'node:worker_threads';
import { packChunkParts } from './backup/chunk-compression';
import { chunkId, sealChunkParts, type RepositoryKeys } from './backup/chunk-crypto';
import { PackWriter, type FinishedPack } from './backup/pack-file';
import { PROTOCOL_VERSION, type FromWorker, type Segment, type SegmentsDone, type ToWorker, type WorkerInit } from './backup/protocol';
import { isAllZero, readSegmentChunks, WindowPool, type SegmentReadResult } from './backup/segment-chunker';
import { lowerThreadPriority } from './thread-priority';

/**
 * A backup chunk worker: reads the segments the coordinator sends, chunks, names, compresses,
 * encrypts and packs them. One per core; each writes its own pack files.
 */
const port = parentPort;
if (!port) throw new Error('backup-worker must run as a worker thread.');
lowerThreadPriority();
const init = workerData as WorkerInit;
if (init.protocol !== PROTOCOL_VERSION) {
  // A coordinator from another build (an update installed mid-run): fail loudly, never hang.
  throw new Error(`backup-worker speaks protocol ${PROTOCOL_VERSION}, the coordinator ${String(init.protocol)}: restart Seedship.`);
}
const keys: RepositoryKeys = { encryption: Buffer.from(init.encryptionKey), identity: Buffer.from(init.identityKey) };
let releasePacks: { resolve: () => void; reject: (error: Error) => void } | null = null;
const packsVisible = init.holdPacks ? new Promise<void>((resolve, reject) => (releasePacks = { resolve, reject })) : Promise.resolve();
packsVisible.catch(() => undefined);
const writer = new PackWriter(init.repoDir, keys, init.packTargetBytes, reportPack, packsVisible);
const rawLengths = new Map<string, number>();
/** Window per read: big enough that the carried tail (< maxSize) is a small share of it. */
const windows = new WindowPool(init.chunker.maxSize + 2 * 1024 * 1024);
/** Small files are batched so one claim round trip covers many of them. */
const BATCH_BYTES = 2 * 1024 * 1024;
/** Segments above this size send progress window by window. */
const PROGRESS_BYTES = 4 * 1024 * 1024;

const queue: Segment[] = [];
/** Claims sent and not yet answered, by batch number. */
const claimWaiters = new Map<number, (fresh: Uint8Array) => void>();
let batchSeq = 0;
let busy = false;
let pendingControl: 'flush' | 'abort' | null = null;
/** The batch being stored (after its claim comes back); the next one is read meanwhile. */
let storing: Promise<void> = Promise.resolve();

function send(message: FromWorker): void {
  port?.postMessage(message);
}

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'segments':
      queue.push(...message.segments);
      void pump();
      break;
    case 'claimed':
      claimWaiters.get(message.batch)?.(message.fresh);
      claimWaiters.delete(message.batch);
      break;
    case 'release':
      if (message.error) releasePacks?.reject(new Error(message.error));
      else releasePacks?.resolve();
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
/** Chunks waiting for their claim, and the windows they live in (reused once they are stored). */
interface Pending {
  chunks: PendingChunk[];
  windows: Buffer[];
  bytes: number;
}
interface OpenSegment {
  segment: Segment;
  chunks: string[];
  sizes: number[];
  zero: boolean[];
  result: SegmentReadResult;
  error: { code: string; message: string } | null;
  /** Bytes already sent as progress. */
  reported: number;
}

async function pump(): Promise<void> {
  if (busy) return;
  busy = true;
  try {
    // Segments may arrive while the last batch is being stored: they are taken in the same pump.
    do {
      while (queue.length > 0 && pendingControl !== 'abort') await processBatch();
      await storing;
    } while (queue.length > 0 && pendingControl !== 'abort');
    if (pendingControl === 'flush') {
      pendingControl = null;
      await writer.flush();
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
 * Takes segments off the queue until about BATCH_BYTES of chunks are waiting and hands them to
 * `store`; the segments are reported complete once their chunks are stored.
 */
async function processBatch(): Promise<void> {
  let pending: Pending = { chunks: [], windows: [], bytes: 0 };
  const finished: OpenSegment[] = [];
  while (queue.length > 0 && pending.bytes < BATCH_BYTES && pendingControl !== 'abort') {
    const segment = queue.shift() as Segment;
    const open: OpenSegment = { segment, chunks: [], sizes: [], zero: [], result: { bytesRead: 0, changed: false }, error: null, reported: 0 };
    try {
      for (const { window, chunks } of readSegmentChunks(segment, init.chunker, windows, open.result)) {
        let windowBytes = 0;
        for (const data of chunks) {
          const id = chunkId(keys, data);
          open.chunks.push(id);
          open.sizes.push(data.length);
          open.zero.push(isAllZero(data));
          pending.chunks.push({ id, data });
          windowBytes += data.length;
        }
        pending.windows.push(window);
        pending.bytes += windowBytes;
        // Big segments report as they go; small files are counted when their batch is done.
        if (segment.length > PROGRESS_BYTES) {
          send({ type: 'progress', bytes: windowBytes });
          open.reported += windowBytes;
        }
        // A big segment stores its chunks window by window to keep memory bounded.
        if (pending.bytes >= BATCH_BYTES) {
          await store(pending, []);
          pending = { chunks: [], windows: [], bytes: 0 };
        }
      }
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      open.error = { code: e.code ?? 'EIO', message: e.message };
    }
    finished.push(open);
  }
  await store(pending, finished);
}

/**
 * Claims a batch's chunks and stores the fresh ones, then reports `finished` segments. Returns once
 * the claim is sent and the batch before is stored: the claim's round trip to the coordinator is
 * spent reading the next batch, not waiting. Batches are stored in order.
 */
async function store(pending: Pending, finished: OpenSegment[]): Promise<void> {
  const previous = storing;
  const claim = pending.chunks.length > 0 ? requestClaim(pending.chunks.map((c) => c.id).join('')) : Promise.resolve(new Uint8Array(0));
  storing = (async () => {
    const fresh = await claim;
    await previous;
    await storeFresh(pending, fresh);
    if (finished.length > 0) reportFinished(finished);
  })();
  await previous;
}

function requestClaim(ids: string): Promise<Uint8Array> {
  const batch = (batchSeq += 1);
  return new Promise<Uint8Array>((resolve) => {
    claimWaiters.set(batch, resolve);
    send({ type: 'claim', batch, ids });
  });
}

async function storeFresh(pending: Pending, fresh: Uint8Array): Promise<void> {
  const { chunks } = pending;
  for (let i = 0; i < chunks.length; i += 1) {
    if (!fresh[i]) continue;
    const { id, data } = chunks[i] as PendingChunk;
    rawLengths.set(id, data.length);
    await writer.add(id, sealChunkParts(keys, id, packChunkParts(data)));
  }
  // Every chunk of these windows is sealed (copied) now: the buffers can be read into again.
  for (const window of pending.windows) windows.give(window);
  collectGarbage(pending.bytes);
}

function reportFinished(finished: OpenSegment[]): void {
  const unreported = finished.reduce((n, open) => n + open.result.bytesRead - open.reported, 0);
  if (unreported > 0) send({ type: 'progress', bytes: unreported });
  const count = finished.length;
  const chunkTotal = finished.reduce((n, open) => n + (open.error ? 0 : open.chunks.length), 0);
  const done: SegmentsDone = {
    seqs: new Float64Array(count),
    chunkCounts: new Uint32Array(count),
    bytesRead: new Float64Array(count),
    changed: new Uint8Array(count),
    ids: '',
    sizes: new Float64Array(chunkTotal),
    zero: new Uint8Array(chunkTotal),
    errors: [],
  };
  const ids: string[] = [];
  let at = 0;
  finished.forEach((open, i) => {
    done.seqs[i] = open.segment.seq;
    done.bytesRead[i] = open.result.bytesRead;
    done.changed[i] = open.result.changed ? 1 : 0;
    if (open.error) {
      done.errors.push({ index: i, ...open.error });
      return;
    }
    done.chunkCounts[i] = open.chunks.length;
    for (let c = 0; c < open.chunks.length; c += 1, at += 1) {
      ids.push(open.chunks[c] as string);
      done.sizes[at] = open.sizes[c] as number;
      done.zero[at] = open.zero[c] ? 1 : 0;
    }
  });
  done.ids = ids.join('');
  // Cloned, not transferred: for arrays this small, detaching buffers costs more than copying them.
  send({ type: 'segments-done', done });
}

/**
 * Each chunk leaves about twice its size in short-lived buffers (compressed and encrypted copies).
 * V8 frees them only when external memory has grown by tens of MiB, per thread; a young-generation
 * collection every 32 MiB frees them at once (well under a millisecond each) and keeps the memory
 * flat. Available when the process runs with --expose-gc (the seedship launcher sets it).
 */
let sinceCollection = 0;
const gc = (globalThis as { gc?: (options?: { type: 'minor' | 'major' }) => void }).gc;
function collectGarbage(bytes: number): void {
  sinceCollection += bytes;
  if (!gc || sinceCollection < 32 * 1024 * 1024) return;
  sinceCollection = 0;
  gc({ type: 'minor' });
}

function reportPack(pack: FinishedPack): void {
  const n = pack.entries.length;
  const chunks = { ids: pack.entries.map((e) => e.id).join(''), offsets: new Float64Array(n), lengths: new Float64Array(n), rawLengths: new Float64Array(n) };
  pack.entries.forEach((e, i) => {
    chunks.offsets[i] = e.offset;
    chunks.lengths[i] = e.length;
    chunks.rawLengths[i] = rawLengths.get(e.id) ?? 0;
    rawLengths.delete(e.id);
  });
  send({ type: 'pack', packId: pack.packId, size: pack.size, chunks });
}
