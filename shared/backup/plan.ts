import { z } from 'zod';

/**
 * The backup plan the wizard builds step by step. Every field is optional in a draft (the wizard
 * saves as the operator goes, so closing the app loses nothing); `planProblems` says what a draft
 * still lacks before Back Up Now.
 */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export const ScheduleSchema = z.object({
  days: z.array(z.enum(WEEKDAYS)).min(1, 'Pick at least one day.').max(7),
  /** Local times as HH:MM; MARS allows up to three a day. */
  times: z.array(z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Write times as HH:MM (24-hour).')).min(1, 'Pick at least one time.').max(3, 'At most three backups a day.'),
});
export type Schedule = z.infer<typeof ScheduleSchema>;

export const RetentionSchema = z.object({
  daily: z.number().int().min(0).max(9999),
  weekly: z.number().int().min(0).max(5163),
  monthly: z.number().int().min(0).max(1188),
});
export type Retention = z.infer<typeof RetentionSchema>;

export const InitialBackupTypeSchema = z.enum(['network', 'own-disks', 'data-box']);
export type InitialBackupType = z.infer<typeof InitialBackupTypeSchema>;

export const OfflineDetailsSchema = z.object({
  stagingPath: z.string().max(1024),
  storageAccount: z.string().max(64),
  container: z.string().max(64),
  subscriptionId: z.string().max(64),
  jobName: z.string().max(64),
});
export type OfflineDetails = z.infer<typeof OfflineDetailsSchema>;

/** What the Azure step found and created; kept so disk prep and the dashboard can use it. */
export const AzureSetupSchema = z.object({
  resourceGroup: z.string(),
  location: z.string(),
  storageAccountId: z.string(),
  containerCreated: z.boolean(),
  entraAppId: z.string().nullable(),
  checkedAt: z.string(),
});
export type AzureSetup = z.infer<typeof AzureSetupSchema>;

export const PlanSchema = z.object({
  sources: z.array(z.string().min(1).max(4096)).max(256),
  exclusions: z.object({ patterns: z.array(z.string().max(1024)).max(256), fileTypes: z.array(z.string().max(40)).max(256) }),
  schedule: ScheduleSchema.nullable(),
  retention: RetentionSchema.nullable(),
  /** Where the operator chose to keep a copy of the passphrase (never the passphrase itself). */
  passphraseSavedTo: z.string().nullable(),
  passphraseSet: z.boolean(),
  initialBackup: InitialBackupTypeSchema.nullable(),
  offline: OfflineDetailsSchema.nullable(),
  azure: AzureSetupSchema.nullable(),
  /** The wizard step the operator was on, so a reopened app resumes there. */
  step: z.number().int().min(1).max(8),
  updatedAt: z.string().nullable(),
});
export type Plan = z.infer<typeof PlanSchema>;

export const EMPTY_PLAN: Plan = {
  sources: [],
  exclusions: { patterns: [], fileTypes: [] },
  schedule: null,
  retention: null,
  passphraseSavedTo: null,
  passphraseSet: false,
  initialBackup: null,
  offline: null,
  azure: null,
  step: 1,
  updatedAt: null,
};

export const DEFAULT_SCHEDULE: Schedule = { days: ['mon', 'tue', 'wed', 'thu', 'fri'], times: ['21:00'] };
export const DEFAULT_RETENTION: Retention = { daily: 30, weekly: 8, monthly: 12 };
