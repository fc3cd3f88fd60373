import type { ImportJobResult, PreparedDrive } from '../../../shared/diskprep/diskprep-api';
import type { ShippingDetails } from '../../../shared/diskprep/shipping-details';
import type { Db } from '../store/database';

/** What the app keeps about a created import job: the answer shown to the operator and the shipping details. */
export interface StoredImportJob {
  result: ImportJobResult;
  shipping: ShippingDetails;
}

/** Prepared drives and created import jobs in the app's SQLite (never a recovery password). */
export class PreparedDriveStore {
  constructor(private readonly db: Db) {}

  drives(jobName: string): PreparedDrive[] {
    const rows = this.db.prepare('SELECT record FROM diskprep_drives WHERE job_name = ? ORDER BY drive_index').all(jobName) as { record: string }[];
    return rows.map((r) => JSON.parse(r.record) as PreparedDrive);
  }

  saveDrive(drive: PreparedDrive): void {
    this.db
      .prepare('INSERT INTO diskprep_drives (job_name, serial, drive_index, record) VALUES (?, ?, ?, ?) ON CONFLICT(job_name, serial) DO UPDATE SET drive_index = excluded.drive_index, record = excluded.record')
      .run(drive.jobName, drive.serial, drive.index, JSON.stringify(drive));
  }

  importJob(jobName: string): StoredImportJob | null {
    const row = this.db.prepare('SELECT record FROM diskprep_jobs WHERE job_name = ?').get(jobName) as { record: string } | undefined;
    return row ? (JSON.parse(row.record) as StoredImportJob) : null;
  }

  saveImportJob(jobName: string, job: StoredImportJob): void {
    this.db.prepare('INSERT INTO diskprep_jobs (job_name, record) VALUES (?, ?) ON CONFLICT(job_name) DO UPDATE SET record = excluded.record').run(jobName, JSON.stringify(job));
  }
}
