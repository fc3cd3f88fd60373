import { z } from 'zod';
import { CloudProfileNameSchema } from '../azure/cloud-profile';
import { PlanSchema, OfflineDetailsSchema } from '../backup/plan';
import {
  CreateImportJobInputSchema,
  DatacenterSchema,
  DiskPrepPlanSchema,
  ImportJobResultSchema,
  JobNameInputSchema,
  LocationInputSchema,
  PlanInputSchema,
  PreparedDriveSchema,
  ExportRecordInputSchema,
  RevealedKeySchema,
  RevealKeyInputSchema,
  ShippingRecordSchema,
  StagingInputSchema,
  StagingJobsSchema,
  StartPrepInputSchema,
} from '../diskprep/diskprep-api';
import { DriveListSchema } from '../drives/drive';
import {
  DriveLogInputSchema,
  DriveLogsSchema,
  JobDetailSchema,
  JobListSchema,
  JobRefSchema,
  JobsChangedSchema,
  JobSummarySchema,
  NotificationEmailsInputSchema,
  ReturnShippingInputSchema,
  TrackInputSchema,
} from '../jobs/jobs-api';
import { ScheduleStatusSchema } from '../schedule/schedule-api';
import { TaskRecordSchema } from '../tasks/task-record';
import { SeedshipVaultContract } from '../vault/vault-contract';
import { method, channelsOf, type ServiceClient, type ServiceImpl, type EventPayload } from './define';

const NoInput = z.strictObject({});
/** Every path the API accepts; long enough for Windows' extended paths, short enough to refuse junk. */
export const PathSchema = z.string().min(1).max(4096);

export const SettingsSchema = z.object({
  /** Show loop devices (file-backed drives) so operators can rehearse disk prep safely. */
  rehearsalDrives: z.boolean(),
  /** The staging location of the backup; its drive is never offered for disk prep. */
  stagingPath: z.string().nullable(),
  /** Which Azure the app talks to: the embedded local cloud (rehearsal) or real Azure. */
  cloudProfile: CloudProfileNameSchema,
  /** Real Azure only: the client id of Seedship's app registration in the operator's tenant. */
  azureClientId: z.string().nullable(),
  /** Real Azure only: the tenant to sign in to ('organizations' when unset). */
  azureTenantId: z.string().nullable(),
});
export type Settings = z.infer<typeof SettingsSchema>;

export const SettingsPatchSchema = z.strictObject({
  rehearsalDrives: z.boolean().optional(),
  stagingPath: PathSchema.nullable().optional(),
  cloudProfile: CloudProfileNameSchema.optional(),
  azureClientId: z.guid().nullable().optional(),
  azureTenantId: z.union([z.guid(), z.enum(['organizations', 'common'])]).nullable().optional(),
});

export const AccountSchema = z.object({
  username: z.string(),
  name: z.string().nullable(),
  tenantId: z.string(),
});
export type Account = z.infer<typeof AccountSchema>;

export const SignInMethodSchema = z.enum(['interactive', 'device-code']);
export type SignInMethod = z.infer<typeof SignInMethodSchema>;

export const CloudStatusSchema = z.object({
  profile: CloudProfileNameSchema,
  /** The embedded local cloud's state; 'not-used' for real Azure. */
  localCloud: z.enum(['stopped', 'starting', 'running', 'failed', 'not-used']),
  authority: z.string().nullable(),
  armEndpoint: z.string().nullable(),
  account: AccountSchema.nullable(),
  signInMethods: z.array(SignInMethodSchema),
  /** What stops the app from reaching this cloud, in plain words; null when nothing does. */
  problem: z.string().nullable(),
});
export type CloudStatus = z.infer<typeof CloudStatusSchema>;

export const DeviceCodePromptSchema = z.object({
  userCode: z.string(),
  verificationUri: z.string(),
  message: z.string(),
  expiresAt: z.string(),
});
export type DeviceCodePrompt = z.infer<typeof DeviceCodePromptSchema>;

export const AppInfoSchema = z.object({
  version: z.string(),
  transport: z.enum(['electron', 'headless', 'cli']),
  platform: z.string(),
  dataDir: z.string(),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

export const ExclusionRulesSchema = z.strictObject({
  patterns: z.array(z.string().max(1024)).max(256),
  fileTypes: z.array(z.string().max(40)).max(256),
});

export const EstimateSchema = z.object({
  files: z.number().int(),
  folders: z.number().int(),
  bytes: z.number(),
  excluded: z.number().int(),
  /** Sources that don't exist or can't be read, each with the reason. */
  problems: z.array(z.object({ path: z.string(), reason: z.string() })),
  /** The room staging should have: the full size plus 5% for metadata (compression usually saves more). */
  stagingBytesNeeded: z.number(),
});
export type Estimate = z.infer<typeof EstimateSchema>;

/** One problem with a wizard field: which field, and what to do. */
export const FieldProblemSchema = z.object({ field: z.string(), message: z.string() });
export type FieldProblem = z.infer<typeof FieldProblemSchema>;

export const StagingCheckSchema = z.object({
  problems: z.array(FieldProblemSchema),
  freeBytes: z.number().nullable(),
});

export const AzureCheckIdSchema = z.enum(['subscription', 'storageAccount', 'container', 'jobName', 'provider', 'entraApp']);
export const AzureCheckSchema = z.object({
  id: AzureCheckIdSchema,
  /** ok: nothing to do; fixable: Seedship can fix it (the `fix` says how); blocked: the operator must act. */
  status: z.enum(['ok', 'fixable', 'blocked']),
  message: z.string(),
  fix: z.string().nullable(),
});
export type AzureCheck = z.infer<typeof AzureCheckSchema>;

export const SnapshotSummarySchema = z.object({
  id: z.string(),
  createdAt: z.string(),
  sources: z.array(z.string()),
  files: z.number().int(),
  bytes: z.number(),
  jobName: z.string().nullable(),
});
export type SnapshotSummary = z.infer<typeof SnapshotSummarySchema>;

export const SnapshotEntrySchema = z.object({
  path: z.string(),
  type: z.enum(['file', 'dir', 'symlink', 'hardlink', 'special']),
  size: z.number(),
  mtime: z.string(),
});
export type SnapshotEntry = z.infer<typeof SnapshotEntrySchema>;

const StagingInput = z.strictObject({
  stagingPath: PathSchema,
  /** Omit to use the passphrase saved (encrypted) with this app's plan. */
  passphrase: z.string().max(1024).optional(),
});

/** The whole API: each service, each method's input and output schema. */
export const contract = {
  app: {
    info: method(NoInput, AppInfoSchema),
  },
  drives: {
    list: method(z.strictObject({ includeLoop: z.boolean().optional(), stagingPath: PathSchema.optional() }), DriveListSchema),
  },
  settings: {
    get: method(NoInput, SettingsSchema),
    update: method(SettingsPatchSchema, SettingsSchema),
  },
  cloud: {
    status: method(NoInput, CloudStatusSchema),
  },
  auth: {
    /** Resolves once the operator has signed in; device code prompts arrive as `auth.deviceCode` events. */
    signIn: method(z.strictObject({ method: SignInMethodSchema.optional() }), AccountSchema),
    cancelSignIn: method(NoInput, z.object({ cancelled: z.boolean() })),
    signOut: method(NoInput, CloudStatusSchema),
  },
  plan: {
    get: method(NoInput, PlanSchema),
    /** Saves a draft (any step); the stored plan is returned, validated. */
    save: method(PlanSchema.omit({ updatedAt: true, passphraseSet: true, azure: true }).partial().strict(), PlanSchema),
    reset: method(NoInput, PlanSchema),
    estimate: method(z.strictObject({ sources: z.array(PathSchema).min(1).max(256), exclusions: ExclusionRulesSchema }), EstimateSchema),
    generatePassphrase: method(NoInput, z.object({ passphrase: z.string() })),
    /** Stores the passphrase encrypted in this app and writes a copy to `saveTo` (a file only the operator can read). */
    setPassphrase: method(z.strictObject({ passphrase: z.string().max(1024), confirmation: z.string().max(1024), saveTo: PathSchema }), PlanSchema),
    checkStaging: method(z.strictObject({ stagingPath: z.string().max(4096) }), StagingCheckSchema),
    /** Checks the offline details against Azure as the signed-in operator. */
    checkAzure: method(OfflineDetailsSchema.strict(), z.object({ checks: z.array(AzureCheckSchema) })),
    registerProvider: method(z.strictObject({ subscriptionId: z.string().max(64) }), z.object({ state: z.string() })),
    /** Creates what the checks offered to (container, Entra application) and records the result in the plan. */
    prepareAzure: method(OfflineDetailsSchema.strict(), PlanSchema),
  },
  backup: {
    /** Back Up Now with the saved plan; progress arrives as `task.changed` events. */
    start: method(NoInput, TaskRecordSchema),
    snapshots: method(StagingInput, z.array(SnapshotSummarySchema)),
    browse: method(StagingInput.extend({ snapshotId: z.string().max(100), folder: z.string().max(4096) }), z.array(SnapshotEntrySchema)),
    restore: method(
      StagingInput.extend({ snapshotId: z.string().max(100).optional(), to: PathSchema, paths: z.array(z.string().max(4096)).max(10000).optional() }),
      TaskRecordSchema,
    ),
  },
  diskprep: {
    /** The import jobs staged in a folder (from seedship-staging.json) and what is prepared for each. */
    jobs: method(StagingInputSchema, StagingJobsSchema),
    /** Candidate drives, with the staging drive hidden. */
    drives: method(StagingInputSchema, DriveListSchema),
    plan: method(PlanInputSchema, DiskPrepPlanSchema),
    /** Erases and prepares one drive; progress arrives as `task.changed` events (kind `diskprep`). */
    start: method(StartPrepInputSchema, TaskRecordSchema),
    preparedDrives: method(JobNameInputSchema, z.array(PreparedDriveSchema)),
    /** One drive's recovery password; needs `confirm: true`, and is audited. */
    revealKey: method(RevealKeyInputSchema, RevealedKeySchema),
    createImportJob: method(CreateImportJobInputSchema, ImportJobResultSchema),
    datacenter: method(LocationInputSchema, DatacenterSchema),
    exportRecord: method(ExportRecordInputSchema, ShippingRecordSchema),
  },
  jobs: {
    /** Checks Azure now unless `cached`; a job Azure no longer has stays listed as Deleted with the reason. */
    list: method(z.strictObject({ cached: z.boolean().optional() }), JobListSchema),
    show: method(JobRefSchema, JobDetailSchema),
    /** Carrier and tracking number (unique across the operator's jobs, checked before sending); marks the job shipped unless `markShipped: false`. */
    track: method(TrackInputSchema, JobDetailSchema),
    returnShipping: method(ReturnShippingInputSchema, JobDetailSchema),
    notificationEmails: method(NotificationEmailsInputSchema, JobDetailSchema),
    cancel: method(JobRefSchema, JobDetailSchema),
    delete: method(JobRefSchema, JobSummarySchema),
    driveLogs: method(DriveLogInputSchema, DriveLogsSchema),
  },
  /** Seeding the vault after the import job, incremental backups to it, restore from it, clean-up. */
  vault: SeedshipVaultContract,
  /** The backup plan's schedule after the import: the next run (seed, incremental, or waiting) and the last one. */
  schedule: {
    status: method(NoInput, ScheduleStatusSchema),
  },
  tasks: {
    list: method(NoInput, z.array(TaskRecordSchema)),
    cancel: method(z.strictObject({ id: z.string().max(100) }), TaskRecordSchema),
  },
};
export type Contract = typeof contract;

/** Events pushed to every client; the drive list is re-sent whenever a drive comes or goes. */
export const eventContract = {
  'drives.changed': DriveListSchema,
  'settings.changed': SettingsSchema,
  'auth.deviceCode': DeviceCodePromptSchema,
  'cloud.changed': CloudStatusSchema,
  'plan.changed': PlanSchema,
  /** Sent when a task starts, about four times a second while it runs, and when it ends. */
  'task.changed': TaskRecordSchema,
  /** Import job or drive states that changed since the last check (the scheduled one or a refresh). */
  'jobs.changed': JobsChangedSchema,
  /** The schedule's next run or last run changed (a run started or ended, the job completed, the plan changed). */
  'schedule.changed': ScheduleStatusSchema,
};
export type EventContract = typeof eventContract;
export type EventName = keyof EventContract;
export type EventOf<K extends EventName> = EventPayload<EventContract, K>;

export type Services = ServiceImpl<Contract>;
export type SeedshipClient = ServiceClient<Contract>;

export const CHANNELS: readonly string[] = channelsOf(contract);
export const EVENT_NAMES = Object.keys(eventContract) as EventName[];
