import type { TimelineEntry } from '../../../shared/jobs/jobs-api';
import type { Db } from '../store/database';

/** One import job as the app last observed it in ARM, reduced to what the dashboard needs. */
export interface ObservedJob {
  id: string;
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  location: string | null;
  storageAccountId: string | null;
  jobType: string | null;
  state: string;
  createdAt: string | null;
  percentComplete: number | null;
  cancelRequested: boolean;
  deliveryPackage: { carrierName: string; trackingNumber: string; driveCount: number | null; shipDate: string | null } | null;
  returnPackage: { carrierName: string; trackingNumber: string } | null;
  returnAddress: Record<string, string> | null;
  returnShipping: { carrierName: string; carrierAccountNumber: string } | null;
  shippingInformation: Record<string, string> | null;
  diagnosticsPath: string | null;
  logLevel: string | null;
  drives: {
    driveId: string;
    state: string;
    copyStatus: string | null;
    percentComplete: number | null;
    bytesSucceeded: number | null;
    errorLogUri: string | null;
    verboseLogUri: string | null;
  }[];
}

export interface JobRecord {
  job: ObservedJob;
  firstSeenAt: string;
  lastCheckedAt: string;
  deleted: { at: string; reason: string } | null;
  notificationEmails: string[];
}

/** A job the app's disk prep created (from its own records), so it is followed even if Azure lost it. */
export interface CreatedJob {
  subscriptionId: string;
  resourceGroup: string;
  jobName: string;
  createdAt: string;
}

interface Row {
  id: string;
  first_seen_at: string;
  last_checked_at: string;
  record: string;
  deleted_at: string | null;
  deleted_reason: string | null;
  notification_emails: string;
}

/** ARM ids are case-insensitive: the records key them lower-cased. */
export const jobKey = (subscriptionId: string, resourceGroup: string, name: string) =>
  `/subscriptions/${subscriptionId}/resourcegroups/${resourceGroup}/providers/microsoft.importexport/jobs/${name}`.toLowerCase();

/**
 * The import jobs the app has seen and the state changes it observed (SQLite tables `import_jobs`
 * and `import_job_events`): ARM answers only the present state, so the timeline is what the app saw.
 */
export class JobRecords {
  constructor(private readonly db: Db) {}

  all(): JobRecord[] {
    return (this.db.prepare('SELECT * FROM import_jobs ORDER BY first_seen_at, id').all() as Row[]).map(toRecord);
  }

  get(id: string): JobRecord | null {
    const row = this.db.prepare('SELECT * FROM import_jobs WHERE id = ?').get(id.toLowerCase()) as Row | undefined;
    return row ? toRecord(row) : null;
  }

  /** Stores the job as just observed; a job seen again after being marked deleted is alive again. */
  save(job: ObservedJob, checkedAt: string): void {
    this.db
      .prepare(
        `INSERT INTO import_jobs (id, subscription_id, resource_group, name, first_seen_at, last_checked_at, record)
         VALUES (@id, @subscriptionId, @resourceGroup, @name, @checkedAt, @checkedAt, @record)
         ON CONFLICT(id) DO UPDATE SET last_checked_at = excluded.last_checked_at, record = excluded.record, deleted_at = NULL, deleted_reason = NULL`,
      )
      .run({ id: job.id.toLowerCase(), subscriptionId: job.subscriptionId, resourceGroup: job.resourceGroup, name: job.name, checkedAt, record: JSON.stringify(job) });
  }

  markDeleted(id: string, at: string, reason: string): void {
    this.db.prepare('UPDATE import_jobs SET deleted_at = ?, deleted_reason = ?, last_checked_at = ? WHERE id = ?').run(at, reason, at, id.toLowerCase());
  }

  touch(id: string, at: string): void {
    this.db.prepare('UPDATE import_jobs SET last_checked_at = ? WHERE id = ?').run(at, id.toLowerCase());
  }

  setNotificationEmails(id: string, emails: string[]): void {
    this.db.prepare('UPDATE import_jobs SET notification_emails = ? WHERE id = ?').run(JSON.stringify(emails), id.toLowerCase());
  }

  addEvent(jobId: string, entry: TimelineEntry): void {
    this.db
      .prepare('INSERT INTO import_job_events (job_id, at, kind, drive_id, state, text) VALUES (?, ?, ?, ?, ?, ?)')
      .run(jobId.toLowerCase(), entry.at, entry.kind, entry.driveId, entry.state, entry.text);
  }

  timeline(jobId: string): TimelineEntry[] {
    const rows = this.db.prepare('SELECT at, kind, drive_id, state, text FROM import_job_events WHERE job_id = ? ORDER BY at, seq').all(jobId.toLowerCase()) as {
      at: string;
      kind: TimelineEntry['kind'];
      drive_id: string | null;
      state: string | null;
      text: string;
    }[];
    return rows.map((r) => ({ at: r.at, kind: r.kind, driveId: r.drive_id, state: r.state, text: r.text }));
  }

  /** The import jobs disk prep created (its `diskprep_jobs` records), wherever they are now. */
  createdByApp(): CreatedJob[] {
    const rows = this.db.prepare('SELECT record FROM diskprep_jobs').all() as { record: string }[];
    return rows.flatMap((row) => {
      try {
        const { result } = JSON.parse(row.record) as { result?: { jobName?: string; subscriptionId?: string; resourceGroup?: string; createdAt?: string } };
        if (!result?.jobName || !result.subscriptionId || !result.resourceGroup) return [];
        return [{ jobName: result.jobName, subscriptionId: result.subscriptionId, resourceGroup: result.resourceGroup, createdAt: result.createdAt ?? new Date(0).toISOString() }];
      } catch {
        return [];
      }
    });
  }
}

function toRecord(row: Row): JobRecord {
  return {
    job: JSON.parse(row.record) as ObservedJob,
    firstSeenAt: row.first_seen_at,
    lastCheckedAt: row.last_checked_at,
    deleted: row.deleted_at ? { at: row.deleted_at, reason: row.deleted_reason ?? 'The job no longer exists in Azure.' } : null,
    notificationEmails: JSON.parse(row.notification_emails) as string[],
  };
}
