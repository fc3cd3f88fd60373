import { z } from 'zod';

/**
 * The vault after the import: seeding it from the import job's storage container (server-side
 * copy + verification), incremental backups over the network, restore from it, and clean-up of
 * the import container and staging once the seed is verified.
 */

const Path = z.string().min(1).max(4096);
const JobName = z.string().min(1).max(64);
const Passphrase = z.string().max(1024);

/** Which backup: the import job's name (the plan's when omitted) and, before seeding, its staging folder. */
export const VaultTargetSchema = z.strictObject({
  jobName: JobName.optional(),
  /** The staging folder (the plan's when omitted); needed only until the vault is seeded. */
  stagingPath: Path.optional(),
  /** The Recovery Services vault's name; omitted: the staging record's, or the only vault in the subscription. */
  vault: z.string().min(1).max(50).optional(),
  /** Omit to use the passphrase saved (encrypted) with this app's plan. */
  passphrase: Passphrase.optional(),
});
export type VaultTarget = z.infer<typeof VaultTargetSchema>;

export const VaultBackupInputSchema = VaultTargetSchema.extend({
  /** Folders to back up; omitted: the plan's sources, else those of the last snapshot. */
  sources: z.array(Path).min(1).max(256).optional(),
});
export type VaultBackupInput = z.infer<typeof VaultBackupInputSchema>;

export const VaultRestoreInputSchema = VaultTargetSchema.extend({
  snapshotId: z.string().max(100).optional(),
  to: Path,
  paths: z.array(z.string().max(4096)).max(10000).optional(),
});
export type VaultRestoreInput = z.infer<typeof VaultRestoreInputSchema>;

export const VaultCleanupInputSchema = z.strictObject({
  jobName: JobName.optional(),
  /** The job's name typed again: clean-up deletes the only other copies of the seed. */
  confirm: z.string().max(64),
});
export type VaultCleanupInput = z.infer<typeof VaultCleanupInputSchema>;

/** What the last incremental backup sent to the vault. */
export const VaultUploadSchema = z.object({
  at: z.string(),
  snapshotId: z.string(),
  packs: z.number().int().nonnegative(),
  chunks: z.number().int().nonnegative(),
  bytes: z.number().nonnegative(),
  /** Snapshot and config files (small). */
  otherFiles: z.number().int().nonnegative(),
});
export type VaultUpload = z.infer<typeof VaultUploadSchema>;

/** The seed of one backup in its vault, as recorded in the app's database. */
export const SeedRecordSchema = z.object({
  jobName: z.string(),
  repositoryId: z.string(),
  stagingPath: z.string().nullable(),
  subscriptionId: z.string(),
  importResourceGroup: z.string(),
  importAccount: z.string(),
  importContainer: z.string(),
  vaultName: z.string(),
  vaultResourceGroup: z.string(),
  vaultAccountId: z.string(),
  vaultContainer: z.string(),
  /** Blob name prefix of this repository in the vault container (`<repositoryId>/`). */
  prefix: z.string(),
  state: z.enum(['verified', 'failed']),
  /** The newest snapshot the seed holds. */
  snapshotId: z.string().nullable(),
  blobs: z.number().int().nonnegative(),
  bytes: z.number().nonnegative(),
  seededAt: z.string(),
  verifiedAt: z.string().nullable(),
  problems: z.array(z.string()),
  lastUpload: VaultUploadSchema.nullable(),
  cleanedUpAt: z.string().nullable(),
});
export type SeedRecord = z.infer<typeof SeedRecordSchema>;

export const VaultStatusSchema = z.object({
  jobName: z.string().nullable(),
  stagingPath: z.string().nullable(),
  /** Whether staging still holds this backup's repository. */
  stagingPresent: z.boolean(),
  /** The import job's state as Azure reports it (null when it can't be read: see `problems`). */
  importJobState: z.string().nullable(),
  vault: z.object({ name: z.string(), resourceGroup: z.string(), storageAccountId: z.string(), container: z.string() }).nullable(),
  seed: SeedRecordSchema.nullable(),
  canSeed: z.boolean(),
  canBackUp: z.boolean(),
  canCleanUp: z.boolean(),
  /** What to do next, in one sentence. */
  next: z.string(),
  problems: z.array(z.string()),
});
export type VaultStatus = z.infer<typeof VaultStatusSchema>;

export const VaultSnapshotSchema = z.object({ id: z.string(), createdAt: z.string(), sources: z.array(z.string()), files: z.number().int(), bytes: z.number() });
export type VaultSnapshot = z.infer<typeof VaultSnapshotSchema>;
