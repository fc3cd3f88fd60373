import { z } from 'zod';
import { ShippingDetailsSchema } from '../diskprep/shipping-details';

/**
 * The job dashboard's service (`jobs.*`), behind the Jobs page and `seedship jobs`:
 * `list` checks every import job of the signed-in operator's subscriptions (and the jobs this app
 * created or has seen, so a job Azure deleted is still listed, with the reason); `show` one job with
 * its drives, each state and result explained, the tracking deadline, what the state allows, and the
 * timeline of the state changes the app observed; `track` sets the carrier and tracking number (unique
 * across the operator's jobs, checked before it is sent) and by default marks the job shipped;
 * `returnShipping` changes the return address and carrier; `notificationEmails` keeps who the app
 * tells about state changes (the 2021-01-01 API has no such field, so they stay in the app);
 * `cancel` and `delete` where the state allows; `driveLogs` reads a drive's copy logs from the
 * diagnostics container. State changes arrive as `jobs.changed` events.
 */

const Name = z.string().min(1).max(128);

/** Which job: the subscription, resource group and name, as ARM addresses it. */
export const JobRefSchema = z.strictObject({
  subscriptionId: z.string().min(1).max(64),
  resourceGroup: Name,
  jobName: z.string().min(1).max(64),
});
export type JobRef = z.infer<typeof JobRefSchema>;

export const ExplanationSchema = z.object({ title: z.string(), meaning: z.string(), action: z.string() });

export const AllowanceSchema = z.object({ allowed: z.boolean(), reason: z.string().nullable() });
export const JobActionsSchema = z.object({ track: AllowanceSchema, returnShipping: AllowanceSchema, cancel: AllowanceSchema, delete: AllowanceSchema });

export const TrackingDeadlineSchema = z.object({
  deadline: z.string(),
  daysElapsed: z.number().int(),
  daysLeft: z.number().int(),
  level: z.enum(['ok', 'warning', 'overdue', 'met', 'not-applicable']),
  message: z.string(),
});

export const JobSummarySchema = z.object({
  /** The ARM id, lower-cased: the key of the app's records. */
  id: z.string(),
  name: z.string(),
  subscriptionId: z.string(),
  resourceGroup: z.string(),
  location: z.string().nullable(),
  storageAccount: z.string().nullable(),
  /** Azure's state, or `Deleted` once Azure no longer has the job. */
  state: z.string(),
  stateExplanation: ExplanationSchema,
  createdAt: z.string().nullable(),
  percentComplete: z.number().nullable(),
  driveCount: z.number().int().nonnegative(),
  carrierName: z.string().nullable(),
  trackingNumber: z.string().nullable(),
  cancelRequested: z.boolean(),
  /** Why and when the job disappeared, when it did. */
  deleted: z.object({ at: z.string(), reason: z.string() }).nullable(),
  deadline: TrackingDeadlineSchema.nullable(),
  /** Whether Seedship's disk prep created this job. */
  createdByApp: z.boolean(),
  lastCheckedAt: z.string(),
});
export type JobSummary = z.infer<typeof JobSummarySchema>;

export const JobListSchema = z.object({
  jobs: z.array(JobSummarySchema),
  checkedAt: z.string(),
  /** Subscriptions that couldn't be read, each with the reason; the list shows what the app last saw. */
  problems: z.array(z.string()),
});
export type JobList = z.infer<typeof JobListSchema>;

export const DriveResultSchema = z.object({
  code: z.string(),
  /** Where the code came from: the job's copy status or the drive's error log. */
  source: z.enum(['copyStatus', 'errorLog']),
  explanation: ExplanationSchema,
});

export const JobDriveSchema = z.object({
  driveId: z.string(),
  state: z.string(),
  stateExplanation: ExplanationSchema,
  copyStatus: z.string().nullable(),
  percentComplete: z.number().nullable(),
  bytesSucceeded: z.number().nullable(),
  result: DriveResultSchema.nullable(),
  errorLogUri: z.string().nullable(),
  verboseLogUri: z.string().nullable(),
});
export type JobDrive = z.infer<typeof JobDriveSchema>;

export const TimelineEntrySchema = z.object({
  at: z.string(),
  /** job: the job's state; drive: one drive's state; deleted; note: an action of the operator. */
  kind: z.enum(['job', 'drive', 'deleted', 'note']),
  driveId: z.string().nullable(),
  state: z.string().nullable(),
  text: z.string(),
});
export type TimelineEntry = z.infer<typeof TimelineEntrySchema>;

const AddressSchema = z.object({
  recipientName: z.string(),
  streetAddress1: z.string(),
  streetAddress2: z.string(),
  city: z.string(),
  stateOrProvince: z.string(),
  postalCode: z.string(),
  countryOrRegion: z.string(),
  phone: z.string(),
  email: z.string(),
});

export const JobDetailSchema = JobSummarySchema.extend({
  drives: z.array(JobDriveSchema),
  timeline: z.array(TimelineEntrySchema),
  actions: JobActionsSchema,
  returnAddress: AddressSchema.nullable(),
  returnShipping: z.object({ carrierName: z.string(), carrierAccountNumber: z.string() }).nullable(),
  /** The datacenter address the package goes to. */
  shippingAddress: AddressSchema.omit({ email: true }).nullable(),
  supportedCarriers: z.array(z.string()),
  shipDate: z.string().nullable(),
  returnTrackingNumber: z.string().nullable(),
  diagnosticsContainer: z.string(),
  logLevel: z.string().nullable(),
  /** Kept by the app (the 2021-01-01 API has no notification e-mail field): who hears of state changes. */
  notificationEmails: z.array(z.string()),
  /** Things the app couldn't read for this view (a log, the datacenter), each a sentence. */
  notes: z.array(z.string()),
});
export type JobDetail = z.infer<typeof JobDetailSchema>;

export const TrackInputSchema = JobRefSchema.extend({
  carrierName: z.string().trim().max(64),
  trackingNumber: z.string().trim().max(64),
  /** YYYY-MM-DD; today when omitted. */
  shipDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  /** Also tell Azure the drives are on their way (state Shipping); default true. */
  markShipped: z.boolean().optional(),
});
export type TrackInput = z.infer<typeof TrackInputSchema>;

/** The same fields and rules as disk prep's shipping details: contact, return address, return carrier. */
export const ReturnShippingInputSchema = JobRefSchema.extend({ shipping: ShippingDetailsSchema });
export type ReturnShippingInput = z.infer<typeof ReturnShippingInputSchema>;

export const MAX_NOTIFICATION_EMAILS = 10;
export const NotificationEmailsInputSchema = JobRefSchema.extend({ emails: z.array(z.string().trim().max(254)).max(MAX_NOTIFICATION_EMAILS) });

export const DriveLogInputSchema = JobRefSchema.extend({ driveId: z.string().min(1).max(128) });

export const DriveLogSchema = z.object({
  blobName: z.string(),
  kind: z.enum(['error', 'verbose']),
  timestamp: z.string().nullable(),
  sizeBytes: z.number().nonnegative(),
  driveId: z.string().nullable(),
  status: z.string().nullable(),
  statusExplanation: ExplanationSchema.nullable(),
  blobCount: z.number().int().nonnegative(),
  blobsByStatus: z.record(z.string(), z.number().int()),
  problems: z.array(
    z.object({ blobPath: z.string().nullable(), filePath: z.string().nullable(), status: z.string(), explanation: z.string(), details: z.array(z.string()) }),
  ),
  text: z.string(),
  /** The log was longer than the app reads; `text` holds its start. */
  truncated: z.boolean(),
});
export type DriveLog = z.infer<typeof DriveLogSchema>;

export const DriveLogsSchema = z.object({
  driveId: z.string(),
  container: z.string(),
  logs: z.array(DriveLogSchema),
  /** Why no logs could be read, when none could; null otherwise. */
  problem: z.string().nullable(),
});
export type DriveLogs = z.infer<typeof DriveLogsSchema>;

export const JobChangeSchema = z.object({
  jobId: z.string(),
  jobName: z.string(),
  subscriptionId: z.string(),
  resourceGroup: z.string(),
  driveId: z.string().nullable(),
  from: z.string().nullable(),
  to: z.string(),
  at: z.string(),
  /** The sentence a notification shows. */
  message: z.string(),
});
export type JobChange = z.infer<typeof JobChangeSchema>;

export const JobsChangedSchema = z.object({ changes: z.array(JobChangeSchema), checkedAt: z.string() });
export type JobsChanged = z.infer<typeof JobsChangedSchema>;
