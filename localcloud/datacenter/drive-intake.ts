import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobServiceClient } from '@azure/storage-blob';
import type { DatacenterJob } from '../resource-manager/importexport/datacenter-desk';
import { BlobImporter, type BlobOutcome } from './blob-import';
import { copyStatus } from './drive-log';
import { checkManifestHash, readDriveManifest } from './manifest-reader';
import { DriveFailure, type DriveStatusCode } from './result-codes';
import { unlockVolume, type UnlockedVolume } from './unlocked-volume';

export interface DriveIntake {
  status: DriveStatusCode;
  /** Why the drive stopped (or how many blobs failed), for the log and the operator. */
  message: string | null;
  blobs: BlobOutcome[];
  /** The manifest as read from the drive, when it could be read (backed up when the job asks). */
  manifest: Buffer | null;
  bytesSucceeded: number;
}

type JobDrive = DatacenterJob['drives'][number];

/** Volumes open right now, so an interrupted run can still unmount them. */
export const openVolumes = new Set<UnlockedVolume>();

/**
 * Processes one drive as the Import/Export datacenter does: unlock BitLocker with the job's key,
 * read the NTFS, check the manifest against the job's manifestHash and the drive's id, then copy
 * every blob with its blocks checked against their MD5s. Never throws for the drive's own faults:
 * they become its status code (an unexpected fault is InternalError).
 */
export async function takeInDrive(device: string, drive: JobDrive, service: BlobServiceClient, onProgress: (bytesDone: number, bytesTotal: number) => void): Promise<DriveIntake> {
  let volume: UnlockedVolume | null = null;
  let manifest: Buffer | null = null;
  const blobs: BlobOutcome[] = [];
  try {
    volume = await unlockVolume(device, drive.bitLockerKey);
    openVolumes.add(volume);
    const manifestFile = drive.manifestFile ?? '\\DriveManifest.xml';
    const segments = manifestFile.split(/[\\/]+/).filter(Boolean);
    if (segments.length === 0 || segments.includes('..')) throw new DriveFailure('ManifestNotFound', `The job's manifestFile "${manifestFile}" is not a path on the drive.`);
    try {
      manifest = await readFile(join(volume.root, ...segments));
    } catch (error) {
      throw new DriveFailure('ManifestNotFound', `The manifest ${manifestFile} is not on the drive (${(error as { code?: string }).code ?? (error as Error).message}).`);
    }
    if (drive.manifestHash) checkManifestHash(manifest, drive.manifestHash);
    const parsed = readDriveManifest(manifest.toString('utf8'));
    if (parsed.driveId.toLowerCase() !== drive.driveId.toLowerCase()) {
      throw new DriveFailure('ManifestDriveIdMismatch', `The manifest is for drive ${parsed.driveId}, but this drive is ${drive.driveId}.`);
    }
    const total = parsed.blobs.reduce((sum, b) => sum + b.length, 0);
    let done = 0;
    const importer = new BlobImporter(service, volume.root);
    for (const blob of parsed.blobs) {
      blobs.push(
        await importer.importBlob(blob, (bytes) => {
          done += bytes;
          onProgress(done, total);
        }),
      );
    }
    const status = copyStatus(blobs);
    const failed = blobs.filter((b) => b.status !== 'Completed').length;
    return { status, message: failed > 0 ? `${failed} of ${blobs.length} blobs failed.` : null, blobs, manifest, bytesSucceeded: committed(blobs) };
  } catch (error) {
    if (error instanceof DriveFailure) return { status: error.code, message: error.message, blobs, manifest, bytesSucceeded: committed(blobs) };
    return { status: 'InternalError', message: `The datacenter hit an internal error: ${(error as Error).message}`, blobs, manifest, bytesSucceeded: committed(blobs) };
  } finally {
    if (volume) {
      openVolumes.delete(volume);
      await volume.close();
    }
  }
}

const committed = (blobs: readonly BlobOutcome[]) => blobs.reduce((sum, b) => sum + b.bytesCommitted, 0);
