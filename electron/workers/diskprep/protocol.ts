/** Messages between the disk-prep coordinator and its worker threads (one per core). */
import type { WasmMemory } from '../wasm-api';

export const DISKPREP_PROTOCOL_VERSION = 4;

/**
 * Each worker's own bytes at the start of the block arena: its MD5 kernel's state and final blocks
 * (the first KiB), then its XTS kernel's tweaks and masked batch.
 */
export const WORKER_SCRATCH_BYTES = 192 * 1024;
export const WORKER_XTS_SCRATCH_AT = 1024;

export interface DiskPrepWorkerInit {
  protocol: number;
  /**
   * Keep the normal thread priority: the key stretch's worker. Files are journaled done only once
   * the stretch lets the BitLocker conversion start, so starving it behind the bulk work would
   * leave a crash nothing to resume from.
   */
  urgent?: boolean;
  /** The block arena (a shared WebAssembly memory): blocks sent with `inArena` lie in it. */
  arena: WasmMemory;
  /** This worker's WORKER_SCRATCH_BYTES in the arena. */
  scratchAt: number;
}

/** Bytes [offset, offset + length) of a block, bound for the sectors from `firstSector` on. */
export interface EncryptPiece {
  offset: number;
  length: number;
  firstSector: number;
}

export type ToDiskPrepWorker =
  /**
   * Hash one block. `inArena`: `data` is a view of the arena, seen by both threads (its byteOffset
   * is its address); otherwise the buffer is transferred to the worker, and back with the answer.
   */
  | { type: 'md5'; id: number; data: Uint8Array; inArena: boolean }
  /**
   * Holds this XTS key (K1‖K2, transferred, zeroed once the AES contexts have it) for
   * 'md5-encrypt' or 'decrypt-md5' (`direction`; a worker holds one key per direction, so the
   * readback of flushed files runs beside the write pass); `sectorSize` is the data unit (its tweak
   * is the sector number).
   */
  | { type: 'key'; id: number; key: Uint8Array; sectorSize: number; direction: 'encrypt' | 'decrypt' }
  /** XTS-decrypt each piece of a block read from the volume in place, then hash its first `hashBytes` (the verify read). */
  | { type: 'decrypt-md5'; id: number; data: Uint8Array; inArena: boolean; hashBytes: number; pieces: EncryptPiece[] }
  /**
   * Hash the first `hashBytes` of one block of plaintext, then XTS-encrypt each piece in place, its
   * first sector numbered `firstSector` (the piece's device offset / sector size).
   */
  | { type: 'md5-encrypt'; id: number; data: Uint8Array; inArena: boolean; hashBytes: number; pieces: EncryptPiece[] }
  /** Drops both keys. */
  | { type: 'forget-key'; id: number }
  /** Stretch a BitLocker recovery key (2^20 SHA-256 rounds, about a second) off the coordinator's thread. */
  | { type: 'stretch'; id: number; recoveryKey: Uint8Array; salt: Uint8Array };

export type FromDiskPrepWorker =
  | { type: 'hashed'; id: number; hash: string; data: Uint8Array }
  | { type: 'ok'; id: number }
  | { type: 'stretched'; id: number; key: Uint8Array }
  | { type: 'failed'; id: number; message: string };
