import { z } from 'zod';
import { ShippingDetailsSchema } from './shipping-details';

/**
 * The disk-prep service (`diskprep.*`), the API of the DiskPrep screen and `seedship diskprep`.
 * `jobs` reads `seedship-staging.json` in a staging folder and lists its import jobs with what is
 * already prepared for each; `drives` lists candidate drives, classified by the drive-safety rules
 * with the staging drive hidden; `plan` says which staging files go on which of the given drives
 * (whole files only, at most 10 drives per job, files already on prepared drives left out);
 * `start` erases one drive and prepares it (NTFS, copy under a session folder, DriveManifest.xml,
 * BitLocker, read-back verification) as a task whose progress arrives as `task.changed` events
 * (kind `diskprep`) and that resumes from its journal when started again on the same drive;
 * `preparedDrives` lists a job's finished drives (serial, size, files, hashes, protector ID, never
 * the recovery password); `revealKey` shows one drive's recovery password and needs `confirm: true`;
 * `createImportJob` creates the Import/Export job from the prepared drives and the shipping details,
 * and answers with the datacenter address and carriers; `datacenter` reads those from the Locations
 * API for a region; `exportRecord` returns (and optionally writes) the shipping record: drives,
 * serials, manifest hashes and addresses, no secrets.
 */

/** Import/Export allows at most 10 drives per job ("Drives": Azure Import/Export requirements). */
export const MAX_DRIVES_PER_JOB = 10;
/** WAImportExport's block size: manifest blocks are at most 4 MiB. */
export const MANIFEST_BLOCK_BYTES = 4 * 1024 * 1024;
/** Where the manifest sits on every prepared drive, as the job's `manifestFile` names it. */
export const MANIFEST_FILE = '\\DriveManifest.xml';

const Path = z.string().min(1).max(4096);
const JobName = z.string().min(1).max(64);

export const StagingInputSchema = z.strictObject({ stagingPath: Path });
export const JobInputSchema = z.strictObject({ stagingPath: Path, jobName: JobName });

/** One import job staged in the folder, with what disk prep has already done for it. */
export const DiskPrepJobSchema = z.object({
  jobName: z.string(),
  subscriptionId: z.string().nullable(),
  resourceGroup: z.string().nullable(),
  storageAccount: z.string().nullable(),
  container: z.string().nullable(),
  location: z.string().nullable(),
  snapshotId: z.string(),
  stagedBytes: z.number(),
  createdAt: z.string(),
  preparedDrives: z.number().int().nonnegative(),
  preparedBytes: z.number().nonnegative(),
  /** Set once the import job exists in Azure. */
  importJobCreatedAt: z.string().nullable(),
});
export type DiskPrepJob = z.infer<typeof DiskPrepJobSchema>;

export const StagingJobsSchema = z.object({
  stagingPath: z.string(),
  /** All files under staging that go on the drives (the descriptor included), and their size. */
  files: z.number().int().nonnegative(),
  bytes: z.number().nonnegative(),
  jobs: z.array(DiskPrepJobSchema),
  /** Files the copy computer can't read (each a reason); disk prep refuses to start while any remain. */
  unreadable: z.array(z.object({ path: z.string(), reason: z.string() })),
});
export type StagingJobs = z.infer<typeof StagingJobsSchema>;

export const PlanInputSchema = JobInputSchema.extend({
  /** The drives in the order they will be prepared (at most 10 minus those already prepared). */
  devices: z.array(Path).max(MAX_DRIVES_PER_JOB),
});

export const PlannedDriveSchema = z.object({
  device: z.string(),
  capacityBytes: z.number().nonnegative(),
  /** Room for files after NTFS, BitLocker and the manifest (an estimate until the drive is formatted). */
  usableBytes: z.number().nonnegative(),
  files: z.array(z.object({ path: z.string(), bytes: z.number().nonnegative() })),
  bytes: z.number().nonnegative(),
});
export type PlannedDrive = z.infer<typeof PlannedDriveSchema>;

export const DiskPrepPlanSchema = z.object({
  jobName: z.string(),
  totalFiles: z.number().int().nonnegative(),
  totalBytes: z.number().nonnegative(),
  /** Already on prepared drives of this job. */
  preparedFiles: z.number().int().nonnegative(),
  drives: z.array(PlannedDriveSchema),
  /** What the given drives can't hold: more drives are needed while this isn't empty. */
  unplacedFiles: z.number().int().nonnegative(),
  unplacedBytes: z.number().nonnegative(),
  /** Files bigger than any drive could hold (no file is split across drives). */
  tooLarge: z.array(z.object({ path: z.string(), bytes: z.number() })),
});
export type DiskPrepPlan = z.infer<typeof DiskPrepPlanSchema>;

export const StartPrepInputSchema = JobInputSchema.extend({
  device: Path,
  /** The device path (or drive letter) typed by the operator; it must equal `device`. */
  confirmation: z.string().max(4096),
  xts256: z.boolean().optional(),
});
export type StartPrepInput = z.infer<typeof StartPrepInputSchema>;

export const PreparedDriveSchema = z.object({
  jobName: z.string(),
  /** 1-based order of the drive in the job. */
  index: z.number().int().positive(),
  /** The hardware serial (Import/Export's driveId); `LOOP-…` for rehearsal drives. */
  serial: z.string(),
  device: z.string(),
  sizeBytes: z.number().nonnegative(),
  sessionFolder: z.string(),
  files: z.number().int().nonnegative(),
  bytes: z.number().nonnegative(),
  manifestHash: z.string(),
  driveHeaderHash: z.string(),
  protectorId: z.string(),
  method: z.enum(['XtsAes128', 'XtsAes256']),
  preparedAt: z.string(),
  verifiedAt: z.string(),
});
export type PreparedDrive = z.infer<typeof PreparedDriveSchema>;

export const JobNameInputSchema = z.strictObject({ jobName: JobName });
export const LocationInputSchema = z.strictObject({ location: z.string().min(1).max(64) });
export const ExportRecordInputSchema = z.strictObject({ jobName: JobName, to: Path.optional() });

export const RevealKeyInputSchema = z.strictObject({
  jobName: JobName,
  serial: z.string().min(1).max(512),
  /** The operator confirmed they want the secret on screen. */
  confirm: z.literal(true),
});

export const RevealedKeySchema = z.object({ serial: z.string(), protectorId: z.string(), recoveryPassword: z.string() });

export const AddressSchema = z.object({
  recipientName: z.string(),
  streetAddress1: z.string(),
  streetAddress2: z.string(),
  city: z.string(),
  stateOrProvince: z.string(),
  postalCode: z.string(),
  countryOrRegion: z.string(),
  phone: z.string(),
});

export const DatacenterSchema = z.object({
  location: z.string(),
  address: AddressSchema,
  additionalShippingInformation: z.string(),
  supportedCarriers: z.array(z.string()),
});
export type Datacenter = z.infer<typeof DatacenterSchema>;

export const CreateImportJobInputSchema = JobInputSchema.extend({ shipping: ShippingDetailsSchema });

export const ImportJobResultSchema = z.object({
  jobName: z.string(),
  subscriptionId: z.string(),
  resourceGroup: z.string(),
  storageAccountId: z.string(),
  location: z.string(),
  state: z.string(),
  drives: z.array(z.object({ driveId: z.string(), manifestHash: z.string(), state: z.string() })),
  datacenter: DatacenterSchema,
  /** What the operator does next, in order. */
  nextSteps: z.array(z.string()),
  createdAt: z.string(),
});
export type ImportJobResult = z.infer<typeof ImportJobResultSchema>;

export const ShippingRecordSchema = z.object({
  format: z.literal('seedship-shipping-record'),
  version: z.literal(1),
  jobName: z.string(),
  subscriptionId: z.string().nullable(),
  resourceGroup: z.string().nullable(),
  storageAccount: z.string().nullable(),
  location: z.string().nullable(),
  drives: z.array(PreparedDriveSchema.omit({ device: true })),
  returnAddress: AddressSchema.extend({ email: z.string() }).nullable(),
  returnCarrier: z.object({ name: z.string(), accountNumber: z.string() }).nullable(),
  datacenter: DatacenterSchema.nullable(),
  importJobCreatedAt: z.string().nullable(),
  exportedAt: z.string(),
});
export type ShippingRecord = z.infer<typeof ShippingRecordSchema>;
