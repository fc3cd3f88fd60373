/**
 * What the Import/Export service reports for a drive (the copy log's drive status codes; REFERENCE:
 * "Service-side drive results", and Microsoft's "Azure Import/Export service log file format").
 */
export const DRIVE_STATUS_CODES = [
  'Completed',
  'CompletedWithWarnings',
  'CompletedWithErrors',
  'DiskNotFound',
  'VolumeNotNtfs',
  'BitLockerVolumeNotFound',
  'BitLockerNotActivated',
  'BitLockerProtectorNotFound',
  'BitLockerKeyInvalid',
  'BitLockerUnlockVolumeFailed',
  'ManifestNotFound',
  'ManifestCorrupted',
  'ManifestFormatInvalid',
  'ManifestDriveIdMismatch',
  'InternalError',
] as const;
export type DriveStatusCode = (typeof DRIVE_STATUS_CODES)[number];

/** Blob status codes of the copy log (the subset this datacenter can produce). */
export type BlobStatusCode = 'Completed' | 'CompletedWithErrors' | 'FileNameInvalid' | 'FileNotFound' | 'BlobRequestFailed' | 'IOFailed' | 'Failed';

/** Block status codes of the copy log. */
export type BlockStatusCode = 'Completed' | 'Uncommitted' | 'Corrupted' | 'FileUnexpectedEnd' | 'BlobRequestFailed' | 'IOFailed' | 'Cancelled';

/** Stops work on one drive with the status its copy log will carry. */
export class DriveFailure extends Error {
  constructor(
    readonly code: Exclude<DriveStatusCode, 'Completed' | 'CompletedWithWarnings' | 'CompletedWithErrors'>,
    message: string,
  ) {
    super(message);
  }
}
