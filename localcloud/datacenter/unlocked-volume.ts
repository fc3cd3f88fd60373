import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { isRecoveryPassword } from '../resource-manager/importexport/job-rules';
import { DriveFailure } from './result-codes';
import { locateBitLockerVolume, volumeKind } from './volume-locator';

const run = promisify(execFile);

/** A drive opened the way the datacenter reads it: BitLocker unlocked, NTFS mounted read-only. */
export interface UnlockedVolume {
  /** Where the NTFS volume's root is mounted. */
  root: string;
  close(): Promise<void>;
}

/**
 * Unlocks the drive's BitLocker volume with the job's recovery password using dislocker (an
 * implementation that shares nothing with the writer that made it), read-only through FUSE, then
 * mounts the decrypted NTFS read-only with ntfs-3g. Each failure carries the copy log's code.
 */
export async function unlockVolume(device: string, recoveryPassword: string | undefined): Promise<UnlockedVolume> {
  const offset = await locateBitLockerVolume(device);
  if (!recoveryPassword || !isRecoveryPassword(recoveryPassword)) {
    throw new DriveFailure('BitLockerKeyInvalid', 'The BitLocker key in the job is not a recovery password (8 groups of 6 digits).');
  }
  const work = await mkdtemp(join(tmpdir(), 'seedship-datacenter-'));
  const decrypted = join(work, 'bitlocker');
  const ntfs = join(work, 'ntfs');
  const mounted: string[] = [];
  const close = async () => {
    for (const point of mounted.reverse()) await unmount(point);
    mounted.length = 0;
    await rm(work, { recursive: true, force: true });
  };
  try {
    await mkdir(decrypted);
    await mkdir(ntfs);
    try {
      // dislocker takes the recovery password only from its command line or a terminal.
      await run('dislocker-fuse', ['-r', '-V', device, '-O', String(offset), `-p${recoveryPassword}`, '--', decrypted]);
    } catch (error) {
      throw unlockFailure(error);
    }
    mounted.push(decrypted);
    const plain = join(decrypted, 'dislocker-file');
    const head = Buffer.alloc(512);
    const handle = await open(plain, 'r');
    try {
      await handle.read(head, 0, 512, 0);
    } finally {
      await handle.close();
    }
    if (volumeKind(head) !== 'ntfs') throw new DriveFailure('VolumeNotNtfs', `The BitLocker volume on ${device} unlocks, but what it holds is not NTFS.`);
    try {
      await run('ntfs-3g', ['-o', 'ro', plain, ntfs]);
    } catch (error) {
      throw new DriveFailure('VolumeNotNtfs', `ntfs-3g can't mount the unlocked volume of ${device}: ${outputOf(error)}`);
    }
    mounted.push(ntfs);
    return { root: ntfs, close };
  } catch (error) {
    await close();
    throw error;
  }
}

function unlockFailure(error: unknown): DriveFailure {
  const text = outputOf(error);
  if (error !== null && typeof error === 'object' && (error as { code?: unknown }).code === 'ENOENT') {
    return new DriveFailure('BitLockerUnlockVolumeFailed', 'dislocker-fuse is not installed (apt-get install dislocker).');
  }
  // dislocker's words when no protector opens with the password given.
  if (/None of the provided decryption mean is decrypting the keys/i.test(text)) {
    return new DriveFailure('BitLockerKeyInvalid', 'The recovery password in the job does not unlock the drive.');
  }
  return new DriveFailure('BitLockerUnlockVolumeFailed', `dislocker could not unlock the volume: ${text}`);
}

function outputOf(error: unknown): string {
  const e = error as { stderr?: string; stdout?: string; message?: string };
  const text = `${e.stderr ?? ''}\n${e.stdout ?? ''}`
    .split('\n')
    .map((l) => l.replace(/^.*\[(CRITICAL|ERROR|WARNING)\]\s*/, '').trim())
    .filter(Boolean)
    .join(' ');
  return text || (e.message ?? String(error));
}

/** Unmounts a FUSE mount; lazily if something still holds it, so no mount outlives the run. */
async function unmount(point: string): Promise<void> {
  try {
    await run('umount', [point]);
  } catch {
    await run('umount', ['-l', point]).catch(() => undefined);
  }
}
