import { z } from 'zod';
import { method } from '../api/define';
import { TaskRecordSchema } from '../tasks/task-record';
import {
  VaultBackupInputSchema,
  VaultCleanupInputSchema,
  VaultRestoreInputSchema,
  VaultSnapshotSchema,
  VaultStatusSchema,
  VaultTargetSchema,
} from './vault-api';

/** The `vault` service of the API (shared/api/contract.ts); long work runs as tasks of kind `vault`. */
export const SeedshipVaultContract = {
  /** The import job's state, the vault, the seed record and what can be done next. */
  status: method(VaultTargetSchema, VaultStatusSchema),
  /** Copies the seed from the completed import job's container into the vault and verifies it. */
  seed: method(VaultTargetSchema, TaskRecordSchema),
  /** "Run now": seeds first if needed, then backs up and sends only the new packs to the vault. */
  backup: method(VaultBackupInputSchema, TaskRecordSchema),
  snapshots: method(VaultTargetSchema, z.array(VaultSnapshotSchema)),
  /** Restores from the vault alone (staging not needed), with the passphrase. */
  restore: method(VaultRestoreInputSchema, TaskRecordSchema),
  /** Deletes the import container's seed and staging; needs a verified seed and the job name typed as `confirm`. */
  cleanup: method(VaultCleanupInputSchema, TaskRecordSchema),
};
