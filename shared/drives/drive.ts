import { z } from 'zod';

/** How a drive is connected, as far as the operating system tells. */
export const BusSchema = z.enum(['SATA', 'SAS', 'NVMe', 'SCSI', 'USB', 'MMC', 'Virtual', 'Loop', 'Unknown']);
export type Bus = z.infer<typeof BusSchema>;

export const MountpointSchema = z.object({
  path: z.string().max(4096),
  /** true when the mounted file system holds files (formatting would erase them); null if unreadable. */
  hasFiles: z.boolean().nullable(),
});
export type Mountpoint = z.infer<typeof MountpointSchema>;

/** What the operating system reports about one whole drive (partitions folded in). */
export const DriveFactsSchema = z.object({
  device: z.string().max(4096),
  displayName: z.string().max(512),
  model: z.string().max(512).nullable(),
  serial: z.string().max(512).nullable(),
  sizeBytes: z.number().int().nonnegative(),
  bus: BusSchema,
  logicalSectorSize: z.number().int().positive(),
  isSystem: z.boolean(),
  isReadOnly: z.boolean(),
  isRemovable: z.boolean(),
  isUsb: z.boolean(),
  isLoop: z.boolean(),
  /** For a loop device: the file behind it. */
  backingFile: z.string().max(4096).nullable(),
  mountpoints: z.array(MountpointSchema),
});
export type DriveFacts = z.infer<typeof DriveFactsSchema>;

export const SeveritySchema = z.enum(['blocked', 'error', 'warning', 'info']);
export type Severity = z.infer<typeof SeveritySchema>;

export const DriveIssueSchema = z.object({
  code: z.string(),
  severity: SeveritySchema,
  /** Plain words for the operator: what is wrong and what to do. */
  message: z.string(),
});
export type DriveIssue = z.infer<typeof DriveIssueSchema>;

/** ok: usable; warning: usable after confirming; error: refused; blocked: refused and not shown. */
export const DriveStatusSchema = z.enum(['ok', 'warning', 'error', 'blocked']);
export type DriveStatus = z.infer<typeof DriveStatusSchema>;

export const ClassifiedDriveSchema = DriveFactsSchema.extend({
  status: DriveStatusSchema,
  issues: z.array(DriveIssueSchema),
});
export type ClassifiedDrive = z.infer<typeof ClassifiedDriveSchema>;

export const DriveListSchema = z.object({
  /** Drives an operator may see (status ok, warning or error). */
  drives: z.array(ClassifiedDriveSchema),
  /** Drives never offered (system disk, staging disk), with the reason, so nobody wonders where they went. */
  hidden: z.array(z.object({ device: z.string(), issues: z.array(DriveIssueSchema) })),
  rehearsalDrives: z.boolean(),
  stagingPath: z.string().nullable(),
  scannedAt: z.string(),
});
export type DriveList = z.infer<typeof DriveListSchema>;
