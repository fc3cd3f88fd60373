/**
 * Messages between the sector encryptor (electron/services/volume/sector-encryptor.ts) and its
 * workers. Each worker opens the device once and encrypts the slices it is sent in place.
 */
/** Bumped with every change to these messages: a worker from another build refuses to start. */
export const VOLUME_PROTOCOL_VERSION = 1;

export interface VolumeWorkerInit {
  protocol: number;
  /** Block device or image file, opened read-write. */
  device: string;
  sectorSize: number;
  /**
   * The full XTS key (K1‖K2). Its ArrayBuffer is transferred, not copied, so the coordinator keeps
   * no copy; the worker zeroes it once the AES contexts hold the key.
   */
  key: Uint8Array;
}

/** A sector-aligned byte range of the device; its sectors' tweaks are offset / sectorSize onwards. */
export interface Slice {
  offset: number;
  length: number;
}

export type ToVolumeWorker = { type: 'slice'; slice: Slice } | { type: 'stop' };

export type FromVolumeWorker =
  /** The slice is encrypted and written back (not yet flushed: 'stopped' follows a flush). */
  | { type: 'slice-done'; slice: Slice }
  /** Everything written is flushed to the device and the file is closed. */
  | { type: 'stopped' }
  | { type: 'fatal'; message: string };
