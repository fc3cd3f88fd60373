import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { SeedshipError } from '../../../shared/api/errors';
import { XtsSectorCipher } from '../../workers/volume/xts-sectors';
import { unwrapKey } from './bitlocker/aes-ccm-key';
import { ENCRYPTION_METHOD, FVE_STATE, METADATA_AREA_BYTES, PROTECTION_RECOVERY_PASSWORD, VMK_KEY_METHOD } from './bitlocker/constants';
import { decodeKeyDatum } from './bitlocker/datum';
import { type FveMetadata, type ParsedMetadataArea, parseMetadataArea, validationMatches } from './bitlocker/fve-metadata';
import { parseFveVolumeHeader } from './bitlocker/fve-volume-header';
import { guidFromBytes } from './bitlocker/guid-time';
import { recoveryKeyFromPassword } from './bitlocker/recovery-password';
import { stretchRecoveryKey } from './bitlocker/stretch-key';
import type { RecoveryProtector } from './bitlocker/volume-keys';
import { inspectTarget, TargetIo } from './block-target';
import { writeDecryptedImage } from './decrypted-image';
import { RESERVED_DIR } from './ntfs/reserved-files';
import { checkNtfs, mountNtfs } from './ntfs/ntfs-tools';
import { type VolumeProgress } from './volume-progress';
import { throwIfAborted } from './run-tool';

/** Bytes [offset, offset + length) of a readSealed result, to XTS-decrypt as the sectors from `firstSector` on. */
export interface SealedPiece {
  offset: number;
  length: number;
  firstSector: number;
}

/** One metadata copy that is missing, damaged or altered. */
export interface MetadataProblem {
  copy: number;
  offset: number;
  reason: string;
}

/**
 * An open BitLocker volume: metadata validated under the VMK, FVEK unwrapped, and decrypted reads
 * of the volume as Windows presents it (boot area from its relocated copy, metadata areas as zeros).
 */
export class BitLockerVolume {
  private readonly cipher: XtsSectorCipher;
  /** Areas a reader sees as zeros: the three metadata copies and the relocated boot area. */
  private readonly zeroAreas: { offset: number; length: number }[];

  private constructor(
    private readonly io: TargetIo,
    readonly volumeBytes: number,
    readonly sectorSize: number,
    readonly metadata: FveMetadata,
    /** Copies that failed validation; reads used a good one. */
    readonly metadataProblems: MetadataProblem[],
    /** Kept (zeroed by close) only so shareKey can hand it to worker threads. */
    private readonly fvek: Buffer,
  ) {
    this.cipher = new XtsSectorCipher(fvek, sectorSize, 'decrypt');
    this.zeroAreas = [
      ...metadata.metadataOffsets.map((offset) => ({ offset, length: METADATA_AREA_BYTES })),
      { offset: metadata.volumeHeaderOffset, length: metadata.volumeHeaderSectors * sectorSize },
    ];
  }

  get method(): 'XtsAes128' | 'XtsAes256' {
    return this.metadata.method === ENCRYPTION_METHOD.XtsAes256 ? 'XtsAes256' : 'XtsAes128';
  }

  get protectorId(): string {
    return guidFromBytes(this.metadata.vmk.guid);
  }

  /** True when the conversion finished: both states say "encrypted" and the encrypted size covers the volume. */
  get fullyEncrypted(): boolean {
    const m = this.metadata;
    return m.currentState === FVE_STATE.encrypted && m.nextState === FVE_STATE.encrypted && m.encryptedVolumeBytes >= this.volumeBytes;
  }

  /**
   * Opens `device` with a recovery password. Throws VALIDATION (field 'recoveryPassword') when the
   * password is malformed or does not unlock the volume, and (field 'device') when no metadata copy
   * is intact.
   */
  static async open(device: string, recoveryPassword: string, o: UnlockOptions = {}): Promise<BitLockerVolume> {
    const unlocked = await unlockBitLocker(device, recoveryPassword, o);
    unlocked.vmk.fill(0);
    const io = await TargetIo.open(device, 'r');
    return new BitLockerVolume(io, unlocked.volumeBytes, unlocked.sectorSize, unlocked.metadata, unlocked.problems, unlocked.fvek);
  }

  /** Decrypted bytes [offset, offset + length), both whole sectors, as a reader of the unlocked volume sees them. */
  async read(offset: number, length: number): Promise<Buffer> {
    const { data, sealed } = await this.readSealed(offset, length);
    for (const p of sealed) this.cipher.transformInPlace(data.subarray(p.offset, p.offset + p.length), p.firstSector);
    return data;
  }

  /**
   * `read` without the decryption: the bytes as stored (zero areas and the relocated boot area
   * already mapped), and the pieces still to XTS-decrypt, at their offset in `data`, each with its
   * first sector number. Lets a caller decrypt on worker threads (with shareKey).
   */
  async readSealed(offset: number, length: number): Promise<{ data: Buffer; sealed: SealedPiece[] }> {
    const ss = this.sectorSize;
    if (offset % ss !== 0 || length % ss !== 0 || offset < 0 || offset + length > this.volumeBytes) throw new RangeError('Reads are whole sectors inside the volume.');
    const out = Buffer.allocUnsafeSlow(length);
    const sealed: SealedPiece[] = [];
    const m = this.metadata;
    const bootBytes = m.volumeHeaderSectors * ss;
    const cuts = new Set([offset, offset + length, bootBytes, m.encryptedVolumeBytes]);
    for (const area of this.zeroAreas) cuts.add(area.offset).add(area.offset + area.length);
    const points = [...cuts].filter((p) => p >= offset && p <= offset + length).sort((a, b) => a - b);
    for (let i = 0; i + 1 < points.length; i += 1) {
      const start = points[i] as number;
      const end = points[i + 1] as number;
      if (end <= start) continue;
      const piece = out.subarray(start - offset, end - offset);
      if (this.zeroAreas.some((a) => start >= a.offset && start < a.offset + a.length)) {
        piece.fill(0);
        continue;
      }
      // The boot area lives (encrypted, with its own position as tweak) in the relocated copy.
      const from = start < bootBytes ? m.volumeHeaderOffset + start : start;
      await this.io.readInto(piece, from);
      if (from < m.encryptedVolumeBytes) sealed.push({ offset: start - offset, length: end - start, firstSector: from / ss });
    }
    return { data: out, sealed };
  }

  /** A copy of the volume's XTS key, to decrypt readSealed's pieces elsewhere; the caller zeroes it. */
  shareKey(): Buffer {
    return Buffer.from(this.fvek);
  }

  close(): Promise<void> {
    this.fvek.fill(0);
    return this.io.close();
  }
}

export interface UnlockOptions {
  /**
   * This password's stretched key, if the caller has it (it created the volume): used when the
   * volume's salt is the one it was stretched with, which saves the second of stretching.
   */
  known?: RecoveryProtector;
}

/** A BitLocker volume's keys and trusted metadata; the caller owns (and zeroes) `vmk` and `fvek`. */
export interface UnlockedBitLocker {
  volumeBytes: number;
  sectorSize: number;
  metadata: FveMetadata;
  /** Copies that failed validation; `metadata` is a good one. */
  problems: MetadataProblem[];
  protectorId: string;
  vmk: Buffer;
  /** The XTS key K1‖K2 of the sectors. */
  fvek: Buffer;
}

/**
 * Reads the metadata of `device`, unwraps the VMK with the recovery password, picks a copy whose
 * sealed hash matches, and unwraps the FVEK. Throws VALIDATION (field 'recoveryPassword') when the
 * password is malformed or does not unlock the volume, and (field 'device') when no metadata copy
 * is intact.
 */
export async function unlockBitLocker(device: string, recoveryPassword: string, o: UnlockOptions = {}): Promise<UnlockedBitLocker> {
  const recoveryKey = recoveryKeyFromPassword(recoveryPassword);
  const target = await inspectTarget(device);
  const io = await TargetIo.open(device, 'r');
  try {
    const header = parseFveVolumeHeader(await io.read(0, 512));
    if (!header) throw new SeedshipError('VALIDATION', `${device} is not a BitLocker volume (no Windows 7+ -FVE-FS- header).`, 'device');
    const copies: (ParsedMetadataArea | string)[] = [];
    for (const offset of header.metadataOffsets) {
      try {
        if (offset <= 0 || offset + METADATA_AREA_BYTES > target.bytes) throw new RangeError('its offset lies outside the device');
        const parsed = parseMetadataArea(await io.read(offset, METADATA_AREA_BYTES));
        copies.push(parsed.crcMatches ? parsed : 'its CRC-32 does not match (damaged or altered)');
      } catch (error) {
        copies.push((error as Error).message);
      }
    }
    const candidates = copies.filter((c): c is ParsedMetadataArea => typeof c !== 'string');
    const first = candidates[0];
    if (!first) throw new SeedshipError('VALIDATION', `No intact BitLocker metadata on ${device}: ${describeCopies(copies, header.metadataOffsets)}.`, 'device');
    const vmkEntry = first.metadata.vmk;
    if (vmkEntry.protection !== PROTECTION_RECOVERY_PASSWORD) throw new SeedshipError('VALIDATION', `${device} has no recovery-password protector.`, 'device');
    const known = o.known?.password === recoveryPassword && o.known.salt.equals(vmkEntry.salt) ? o.known : null;
    const stretched = known ? Buffer.from(known.stretched) : stretchRecoveryKey(recoveryKey, vmkEntry.salt);
    recoveryKey.fill(0);
    const vmkPlain = unwrapKey(stretched, vmkEntry.wrapped);
    stretched.fill(0);
    if (!vmkPlain) throw new SeedshipError('VALIDATION', `The recovery password does not unlock ${device}.`, 'recoveryPassword');
    const vmk = decodeKeyDatum(vmkPlain);
    vmkPlain.fill(0);
    if (vmk.method !== VMK_KEY_METHOD || vmk.key.length !== 32) throw new SeedshipError('VALIDATION', `The volume master key on ${device} is malformed.`, 'device');

    const problems: MetadataProblem[] = [];
    let trusted: ParsedMetadataArea | undefined;
    copies.forEach((copy, i) => {
      const offset = header.metadataOffsets[i] as number;
      if (typeof copy === 'string') problems.push({ copy: i + 1, offset, reason: copy });
      else if (!validationMatches(copy, vmk.key)) problems.push({ copy: i + 1, offset, reason: 'its sealed SHA-256 does not match its contents (altered)' });
      else if (copy.metadata.metadataOffsets.some((o, j) => o !== header.metadataOffsets[j])) problems.push({ copy: i + 1, offset, reason: 'its metadata offsets disagree with the volume header' });
      else trusted ??= copy;
    });
    if (!trusted) {
      vmk.key.fill(0);
      throw new SeedshipError('VALIDATION', `Every BitLocker metadata copy on ${device} failed validation: ${problems.map((p) => `copy ${p.copy}: ${p.reason}`).join('; ')}.`, 'device');
    }
    const fvekPlain = unwrapKey(vmk.key, trusted.metadata.fvek);
    if (!fvekPlain) {
      vmk.key.fill(0);
      throw new SeedshipError('VALIDATION', `The full-volume encryption key on ${device} does not unwrap (altered metadata).`, 'device');
    }
    const fvek = decodeKeyDatum(fvekPlain);
    fvekPlain.fill(0);
    const m = trusted.metadata;
    const expectedKeyBytes = m.method === ENCRYPTION_METHOD.XtsAes128 ? 32 : m.method === ENCRYPTION_METHOD.XtsAes256 ? 64 : 0;
    if (expectedKeyBytes === 0 || fvek.method !== m.method || fvek.key.length !== expectedKeyBytes) {
      vmk.key.fill(0);
      fvek.key.fill(0);
      if (expectedKeyBytes === 0) throw new SeedshipError('VALIDATION', `${device} uses encryption method 0x${m.method.toString(16)}; only XTS-AES (0x8004, 0x8005) is supported.`, 'device');
      throw new SeedshipError('VALIDATION', `The encryption key on ${device} does not match its method.`, 'device');
    }
    const volumeBytes = Math.floor(target.bytes / header.sectorSize) * header.sectorSize;
    return { volumeBytes, sectorSize: header.sectorSize, metadata: m, problems, protectorId: guidFromBytes(m.vmk.guid), vmk: vmk.key, fvek: fvek.key };
  } finally {
    recoveryKey.fill(0);
    await io.close();
  }
}

function describeCopies(copies: (ParsedMetadataArea | string)[], offsets: number[]): string {
  return copies.map((c, i) => `copy ${i + 1} at ${offsets[i]}: ${typeof c === 'string' ? c : 'ok'}`).join('; ');
}

export interface VerifyReport {
  ok: boolean;
  method: string;
  sectorSize: number;
  files: number;
  bytes: number;
  mismatches: { path: string; reason: string }[];
}

/**
 * Opens a prepared drive with its recovery password and checks it: all three metadata copies
 * intact and sealed, conversion finished, the decrypted NTFS clean (ntfsfix -n), and, with
 * `against`, every file equal to the source folder (and nothing extra besides BitLocker's own
 * reserved folder). Problems are reported as mismatches; errors are thrown only when the volume
 * can't be opened at all.
 */
export async function verifyVolume(o: { device: string; recoveryPassword: string; against?: string; signal?: AbortSignal; onProgress?: (p: VolumeProgress) => void }): Promise<VerifyReport> {
  const volume = await BitLockerVolume.open(o.device, o.recoveryPassword);
  const mismatches: VerifyReport['mismatches'] = volume.metadataProblems.map((p) => ({ path: `(BitLocker metadata copy ${p.copy} at byte ${p.offset})`, reason: p.reason }));
  if (!volume.fullyEncrypted) mismatches.push({ path: '(volume)', reason: 'the encryption did not finish: the metadata still says "encryption in progress"' });
  const workDir = await mkdtemp(join(tmpdir(), 'seedship-verify-'));
  let files = 0;
  let bytes = 0;
  try {
    const image = join(workDir, 'volume.img');
    await writeDecryptedImage(volume, image, { signal: o.signal, onProgress: (d, t) => o.onProgress?.({ phase: 'encrypt', doneBytes: d, totalBytes: t }) });
    await volume.close();
    try {
      await checkNtfs(image);
    } catch (error) {
      mismatches.push({ path: '(NTFS)', reason: `ntfsfix -n reports problems: ${(error as Error).message}` });
    }
    throwIfAborted(o.signal);
    const mount = await mountNtfs(image, { readOnly: true });
    try {
      const onVolume = await listFiles(mount.mountpoint, (rel) => rel !== RESERVED_DIR && !rel.startsWith(`${RESERVED_DIR}/`));
      files = onVolume.size;
      bytes = [...onVolume.values()].reduce((a, b) => a + b, 0);
      if (o.against !== undefined) {
        const source = await listFiles(o.against, () => true);
        const total = [...source.values()].reduce((a, b) => a + b, 0);
        let done = 0;
        for (const [rel, size] of source) {
          throwIfAborted(o.signal);
          const copy = onVolume.get(rel);
          if (copy === undefined) mismatches.push({ path: rel, reason: 'missing on the drive' });
          else if (copy !== size) mismatches.push({ path: rel, reason: `size differs: ${copy} bytes on the drive, ${size} in the source` });
          else if ((await sha256File(join(mount.mountpoint, rel))) !== (await sha256File(join(o.against, rel)))) mismatches.push({ path: rel, reason: 'content differs' });
          done += size;
          o.onProgress?.({ phase: 'finish', doneBytes: done, totalBytes: total });
        }
        for (const rel of onVolume.keys()) if (!source.has(rel)) mismatches.push({ path: rel, reason: 'on the drive but not in the source' });
      }
    } finally {
      await mount.unmount();
    }
  } finally {
    await volume.close().catch(() => undefined);
    await rm(workDir, { recursive: true, force: true });
  }
  return { ok: mismatches.length === 0, method: volume.method, sectorSize: volume.sectorSize, files, bytes, mismatches };
}

/** Relative path (with "/") → size of every regular file under `root` that `keep` accepts. */
async function listFiles(root: string, keep: (rel: string) => boolean): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const rel = relative(root, path).split('\\').join('/');
      if (!keep(rel)) continue;
      if (entry.isDirectory()) await walk(path);
      else out.set(rel, (await stat(path)).size);
    }
  };
  await walk(root);
  return out;
}

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  await pipeline(createReadStream(path), h);
  return h.digest('hex');
}
