import { open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { VOLUME_PROTOCOL_VERSION, type FromVolumeWorker, type Slice, type ToVolumeWorker, type VolumeWorkerInit } from '../../workers/volume/protocol';
import { XtsSectorCipher } from '../../workers/volume/xts-sectors';

export interface ByteRange {
  offset: number;
  length: number;
}

export interface EncryptDeviceRangesOptions {
  /** Block device or image file. */
  device: string;
  /** Full XTS key, K1‖K2: 32 bytes (XTS-AES-128) or 64 (XTS-AES-256). The caller still owns (and zeroes) it. */
  key: Buffer;
  sectorSize: 512 | 4096;
  /** Sector-aligned byte ranges, encrypted in place; a sector's tweak is its offset / sectorSize. */
  ranges: ByteRange[];
  signal?: AbortSignal;
  onProgress?: (doneBytes: number, totalBytes: number) => void;
  /** The folder of the built workers (dist/workers); default SEEDSHIP_WORKER_DIR. */
  workerDir?: string;
  /** Default: one per core. */
  workers?: number;
}

/**
 * Thrown when encryption stops early (cancelled, or a worker failed): `finished` lists the ranges
 * that are encrypted and flushed, so the caller can record exactly those as encrypted. Anything
 * else in the requested ranges may be plaintext, ciphertext or a mix of both (the slice a failing
 * worker was writing).
 */
export class SectorEncryptionStopped extends Error {
  constructor(
    message: string,
    readonly finished: ByteRange[],
    readonly doneBytes: number,
    readonly cancelled: boolean,
  ) {
    super(message);
    this.name = 'SectorEncryptionStopped';
  }
}

/** Big enough that the per-slice message and the read/write calls cost nothing; small enough that a cancel is quick. */
const SLICE_BYTES = 8 * 1024 * 1024;
/**
 * Up to this much is encrypted on the calling thread: a few milliseconds of CPU, where booting the
 * workers takes about 40 ms (disk prep's in-place pass is mostly a few MB of NTFS metadata).
 */
const INLINE_BYTES = 8 * 1024 * 1024;

interface Slot {
  worker: Worker;
  busy: Slice | null;
  /** Sent 'stop' (it flushes, closes and answers 'stopped'). */
  stopping: boolean;
  stopped: boolean;
}

/**
 * Encrypts the given ranges of a device in place with AES-XTS, one worker thread per core, each
 * reading a slice, encrypting it and writing it back at the same offset. Resolves once every
 * range is encrypted and flushed. On cancel, workers finish their current slice, flush and stop,
 * then SectorEncryptionStopped reports what is done.
 */
export async function encryptDeviceRanges(options: EncryptDeviceRangesOptions): Promise<void> {
  const { sectorSize } = options;
  if (options.key.length !== 32 && options.key.length !== 64) throw new RangeError('An XTS key is 32 or 64 bytes.');
  if (sectorSize !== 512 && sectorSize !== 4096) throw new RangeError(`Unsupported sector size ${String(sectorSize)}.`);
  const slices = sliceRanges(options.ranges, sectorSize);
  const totalBytes = slices.reduce((n, s) => n + s.length, 0);
  if (options.signal?.aborted) throw new SectorEncryptionStopped('Encryption was cancelled before it started.', [], 0, true);
  if (slices.length === 0) return;
  if (totalBytes <= INLINE_BYTES) return encryptInline(options, slices, totalBytes);

  const workerDir = options.workerDir ?? process.env.SEEDSHIP_WORKER_DIR;
  if (!workerDir) throw new Error('No worker folder given (workerDir, or SEEDSHIP_WORKER_DIR): the sector encryptor needs dist/workers.');
  const count = Math.max(1, Math.min(options.workers ?? availableParallelism(), slices.length));
  const finished: Slice[] = [];
  let doneBytes = 0;
  let next = 0;
  let failure: Error | null = null;

  return new Promise<void>((resolve, reject) => {
    const slots: Slot[] = [];
    const settle = () => {
      if (slots.some((s) => !s.stopped)) return;
      options.signal?.removeEventListener('abort', onAbort);
      const cancelled = options.signal?.aborted === true;
      if (failure || (cancelled && doneBytes < totalBytes)) {
        const reason = failure ? `Encryption stopped: ${failure.message}` : 'Encryption was cancelled.';
        reject(new SectorEncryptionStopped(reason, mergeRanges(finished), doneBytes, !failure));
      } else {
        resolve();
      }
    };
    const stop = (slot: Slot) => {
      if (slot.busy || slot.stopping || slot.stopped) return;
      slot.stopping = true;
      post(slot, { type: 'stop' });
    };
    const dispatch = (slot: Slot) => {
      const slice = failure || options.signal?.aborted ? undefined : slices[next];
      if (!slice) return stop(slot);
      next += 1;
      slot.busy = slice;
      post(slot, { type: 'slice', slice });
    };
    const post = (slot: Slot, message: ToVolumeWorker) => slot.worker.postMessage(message);
    const fail = (slot: Slot, error: Error) => {
      failure ??= error;
      // The failing worker's slice is in an unknown state: it is not reported finished.
      slot.busy = null;
      slot.stopped = true;
      void slot.worker.terminate();
      for (const other of slots) stop(other);
      settle();
    };
    const onAbort = () => {
      for (const slot of slots) stop(slot);
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });

    for (let i = 0; i < count; i += 1) {
      // Each worker gets its own copy of the key, transferred (so not left behind in this thread).
      const key = new Uint8Array(options.key);
      const init: VolumeWorkerInit = { protocol: VOLUME_PROTOCOL_VERSION, device: options.device, sectorSize, key };
      const worker = new Worker(join(workerDir, 'volume-worker.mjs'), { workerData: init, transferList: [key.buffer], resourceLimits: { maxYoungGenerationSizeMb: 4 } });
      const slot: Slot = { worker, busy: null, stopping: false, stopped: false };
      slots.push(slot);
      worker.on('message', (message: FromVolumeWorker) => {
        switch (message.type) {
          case 'slice-done':
            finished.push(message.slice);
            doneBytes += message.slice.length;
            slot.busy = null;
            options.onProgress?.(doneBytes, totalBytes);
            dispatch(slot);
            break;
          case 'stopped':
            slot.stopped = true;
            settle();
            break;
          case 'fatal':
            fail(slot, new Error(message.message));
            break;
        }
      });
      worker.on('error', (error) => fail(slot, error));
      worker.on('exit', (code) => {
        if (!slot.stopped) fail(slot, new Error(`A volume worker stopped unexpectedly (exit code ${code}).`));
      });
      dispatch(slot);
    }
  });
}

/**
 * encryptDeviceRanges for a little work, on this thread. Everything is flushed at the end, so a
 * failure reports nothing finished (what was written may be plaintext, ciphertext or a mix).
 */
async function encryptInline(options: EncryptDeviceRangesOptions, slices: readonly Slice[], totalBytes: number): Promise<void> {
  const cipher = new XtsSectorCipher(options.key, options.sectorSize, 'encrypt');
  const handle = await open(options.device, 'r+');
  let doneBytes = 0;
  try {
    for (const { offset, length } of slices) {
      const data = Buffer.allocUnsafe(length);
      for (let done = 0; done < length; ) {
        const { bytesRead } = await handle.read(data, done, length - done, offset + done);
        if (bytesRead === 0) throw new Error(`${options.device} ends before byte ${offset + length}.`);
        done += bytesRead;
      }
      cipher.transformInPlace(data, offset / options.sectorSize);
      for (let done = 0; done < length; ) done += (await handle.write(data, done, length - done, offset + done)).bytesWritten;
      doneBytes += length;
    }
    await handle.sync();
  } catch (error) {
    throw new SectorEncryptionStopped(`Encryption stopped: ${(error as Error).message}`, [], 0, false);
  } finally {
    await handle.close();
  }
  options.onProgress?.(doneBytes, totalBytes);
}

/** Cuts the ranges into slices of at most SLICE_BYTES, in device order, checking their alignment. */
export function sliceRanges(ranges: readonly ByteRange[], sectorSize: number): Slice[] {
  const slices: Slice[] = [];
  const sorted = [...ranges].sort((a, b) => a.offset - b.offset);
  let end = 0;
  for (const { offset, length } of sorted) {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) throw new RangeError('A range has a negative or non-integer offset or length.');
    if (offset % sectorSize !== 0 || length % sectorSize !== 0) throw new RangeError(`The range at ${offset} (+${length}) is not aligned to ${sectorSize}-byte sectors.`);
    if (offset < end) throw new RangeError(`The range at ${offset} overlaps the one before it: its sectors would be encrypted twice.`);
    end = offset + length;
    for (let at = offset; at < end; at += SLICE_BYTES) slices.push({ offset: at, length: Math.min(SLICE_BYTES, end - at) });
  }
  return slices;
}

/** Sorted ranges, adjacent and overlapping ones joined. */
export function mergeRanges(ranges: readonly ByteRange[]): ByteRange[] {
  const out: ByteRange[] = [];
  for (const r of [...ranges].sort((a, b) => a.offset - b.offset)) {
    const last = out[out.length - 1];
    if (last && r.offset <= last.offset + last.length) last.length = Math.max(last.length, r.offset + r.length - last.offset);
    else out.push({ offset: r.offset, length: r.length });
  }
  return out;
}
