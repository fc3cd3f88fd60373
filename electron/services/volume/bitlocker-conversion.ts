import { SeedshipError } from '../../../shared/api/errors';
import { NonceSource } from './bitlocker/aes-ccm-key';
import { FVE_STATE, METADATA_AREA_BYTES, VOLUME_HEADER_BYTES } from './bitlocker/constants';
import { buildMetadataArea, type FveMetadata } from './bitlocker/fve-metadata';
import { buildFveVolumeHeader } from './bitlocker/fve-volume-header';
import { createBitLockerVolume, type RecoveryProtector } from './bitlocker/volume-keys';
import { TargetIo } from './block-target';
import { type ByteRange, clipRanges, normalizeRanges, subtractRanges, totalLength } from './byte-ranges';
import { parseNtfsBootSector, usedClusterExtents } from './ntfs/ntfs-layout';
import { readClusterBitmap, readNtfsGeometry } from './ntfs/ntfs-tools';
import { locateReservedAreas, type ReservedAreas } from './ntfs/reserved-files';
import { unlockBitLocker } from './open-volume';
import { encryptDeviceRanges, SectorEncryptionStopped } from './sector-encryptor';

/**
 * The on-disk steps that turn a plain NTFS into a BitLocker volume, in the order that makes a
 * crash safe: the plaintext boot-area copy into its reserved file, metadata "encryption in
 * progress, 0 bytes done", the volume header over the NTFS boot area; then the data in windows,
 * the metadata's encrypted prefix only growing after the data below it is flushed; the
 * "encrypted" state last. Used by prepareVolume and by disk prep (which writes most data already
 * encrypted, between `begin` and `encryptInPlace`).
 */

/** What a conversion of a plain NTFS needs to know, read while the NTFS is still readable. */
export interface ConversionPlan {
  sectorSize: 512 | 4096;
  volumeBytes: number;
  areas: ReservedAreas;
  /** Sector-aligned ranges to encrypt in place: used clusters and the tail, minus BitLocker's own areas and `skip`. */
  inPlace: ByteRange[];
}

/**
 * Reads the cluster bitmap and the reserved files of an unmounted plain NTFS. `skip`: ranges the
 * caller writes encrypted itself (they must not be encrypted a second time).
 */
export async function planConversion(device: string, sectorSize: 512 | 4096, volumeBytes: number, skip: readonly ByteRange[] = []): Promise<ConversionPlan> {
  const geometry = await readNtfsGeometry(device);
  const areas = await locateReservedAreas(device, geometry.clusterSize);
  const bitmap = await readClusterBitmap(device);
  const used = usedClusterExtents(bitmap, geometry.clusters).map((e) => ({ offset: e.lcn * geometry.clusterSize, length: e.length * geometry.clusterSize }));
  // Everything past the last cluster (NTFS's backup boot sector) is encrypted too, like Windows does.
  const tail = { offset: geometry.clusters * geometry.clusterSize, length: volumeBytes - geometry.clusters * geometry.clusterSize };
  const holes = [{ offset: 0, length: VOLUME_HEADER_BYTES }, ...areas.metadataOffsets.map((offset) => ({ offset, length: METADATA_AREA_BYTES })), ...skip];
  return { sectorSize, volumeBytes, areas, inPlace: subtractRanges(normalizeRanges([...used, tail]), holes) };
}

export class BitLockerConversion {
  private constructor(
    private readonly device: string,
    private readonly io: TargetIo,
    readonly sectorSize: 512 | 4096,
    readonly volumeBytes: number,
    private metadata: FveMetadata,
    private readonly vmk: Buffer,
    /** The XTS key K1‖K2; zeroed by close(). */
    readonly fvek: Buffer,
    private readonly nonces: NonceSource,
    readonly recoveryPassword: string,
    readonly protectorId: string,
  ) {}

  get method(): 'XtsAes128' | 'XtsAes256' {
    return this.fvek.length === 64 ? 'XtsAes256' : 'XtsAes128';
  }

  /** Fresh keys for `plan` (the FVEK may come from newFvek); nothing is written until `begin` (save the recovery password first). */
  static async create(device: string, plan: ConversionPlan, o: { xts256: boolean; description: string; protector?: RecoveryProtector; fvek?: Buffer }): Promise<BitLockerConversion> {
    const keys = createBitLockerVolume({
      ...(o.protector ? { protector: o.protector } : {}),
      ...(o.fvek ? { fvek: o.fvek } : {}),
      method: o.xts256 ? 'XtsAes256' : 'XtsAes128',
      sectorSize: plan.sectorSize,
      metadataOffsets: plan.areas.metadataOffsets,
      volumeHeaderOffset: plan.areas.volumeHeaderOffset,
      description: o.description,
    });
    const io = await TargetIo.open(device, 'r+');
    return new BitLockerConversion(device, io, plan.sectorSize, plan.volumeBytes, keys.metadata, keys.vmk, keys.fvek, keys.nonces, keys.recoveryPassword, keys.protectorId);
  }

  /**
   * Takes up a conversion that `begin` started (a run that stopped before `finish`): the keys come
   * from the volume's own metadata, unlocked with the recovery password.
   */
  static async resume(device: string, recoveryPassword: string): Promise<BitLockerConversion> {
    const unlocked = await unlockBitLocker(device, recoveryPassword);
    const m = unlocked.metadata;
    if (m.currentState === FVE_STATE.encrypted) {
      unlocked.vmk.fill(0);
      unlocked.fvek.fill(0);
      throw new SeedshipError('CONFLICT', `${device} is already fully encrypted: there is no conversion to resume.`, 'device');
    }
    const sectorSize = unlocked.sectorSize === 4096 ? 4096 : 512;
    const io = await TargetIo.open(device, 'r+');
    // Nonces carry on from the metadata's counter, so none repeats under the VMK.
    const nonces = new NonceSource(m.createdFiletime, m.nextNonce);
    return new BitLockerConversion(device, io, sectorSize, unlocked.volumeBytes, m, unlocked.vmk, unlocked.fvek, nonces, recoveryPassword, unlocked.protectorId);
  }

  /** Writes the boot-area copy, metadata "in progress, nothing encrypted" and the volume header, each flushed. */
  async begin(): Promise<void> {
    const bootArea = await this.io.read(0, VOLUME_HEADER_BYTES);
    const boot = parseNtfsBootSector(bootArea);
    if (!boot || boot.bytesPerSector !== this.sectorSize) throw new SeedshipError('INTERNAL', `mkntfs did not leave an NTFS boot sector with ${this.sectorSize}-byte sectors on ${this.device}.`);
    const m = this.metadata;
    // 1. A plaintext copy of the boot area goes into its reserved file; it is encrypted in place with the
    //    other ranges (its tweak is its own position, as readers expect).
    await this.io.write(m.volumeHeaderOffset, bootArea);
    await this.io.sync();
    // 2. Metadata: in progress, nothing encrypted. 3. Then the volume header replaces the NTFS boot area.
    await this.writeMetadata(m);
    const header = Buffer.alloc(VOLUME_HEADER_BYTES);
    buildFveVolumeHeader(bootArea, m.metadataOffsets).copy(header);
    await this.io.write(0, header);
    await this.io.sync();
  }

  /**
   * Encrypts `ranges` in place in windows; after each window the metadata records the encrypted
   * prefix. Everything in the volume that is meant to be encrypted and lies outside `ranges` must
   * already be encrypted (and flushed): the prefix covers it too.
   */
  async encryptInPlace(ranges: readonly ByteRange[], o: { signal?: AbortSignal; workerDir?: string; onProgress?: (doneBytes: number, totalBytes: number) => void }): Promise<void> {
    const { volumeBytes, sectorSize } = this;
    const encryptBytes = totalLength(ranges);
    const windowBytes = Math.max(256 * 1024 * 1024, Math.ceil(volumeBytes / 16 / sectorSize) * sectorSize);
    let done = 0;
    o.onProgress?.(0, encryptBytes);
    for (let start = 0; start < volumeBytes; start += windowBytes) {
      const end = Math.min(volumeBytes, start + windowBytes);
      const windowRanges = clipRanges(ranges, start, end);
      try {
        await encryptDeviceRanges({
          device: this.device,
          key: this.fvek,
          sectorSize,
          ranges: windowRanges,
          signal: o.signal,
          workerDir: o.workerDir,
          onProgress: (d) => o.onProgress?.(done + d, encryptBytes),
        });
      } catch (error) {
        if (error instanceof SectorEncryptionStopped) {
          await this.writeMetadata({ ...this.metadata, encryptedVolumeBytes: encryptedPrefix(windowRanges, error.finished, start, end) });
          if (error.cancelled) throw new SeedshipError('CANCELLED', 'Preparing the volume was cancelled; it is left marked "encryption in progress".');
          throw new SeedshipError('INTERNAL', `${error.message} The volume is left marked "encryption in progress".`);
        }
        throw error;
      }
      done += totalLength(windowRanges);
      await this.writeMetadata({ ...this.metadata, encryptedVolumeBytes: end });
    }
  }

  /** The last write: fully encrypted. */
  async finish(): Promise<void> {
    await this.writeMetadata({ ...this.metadata, currentState: FVE_STATE.encrypted, nextState: FVE_STATE.encrypted, encryptedVolumeBytes: this.volumeBytes });
  }

  /** Zeroes the keys and closes the device. */
  async close(): Promise<void> {
    this.vmk.fill(0);
    this.fvek.fill(0);
    await this.io.close();
  }

  private async writeMetadata(m: FveMetadata): Promise<void> {
    this.metadata = m;
    for (const offset of m.metadataOffsets) await this.io.write(offset, buildMetadataArea(m, this.vmk, this.nonces));
    await this.io.sync();
  }
}

/** The end of the longest prefix of the window whose ranges are all finished. */
function encryptedPrefix(wanted: ByteRange[], finished: ByteRange[], start: number, end: number): number {
  const missing = subtractRanges(wanted, finished);
  return missing.length > 0 ? Math.max(start, (missing[0] as ByteRange).offset) : end;
}
