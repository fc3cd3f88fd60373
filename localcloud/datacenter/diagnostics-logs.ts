import type { BlobServiceClient } from '@azure/storage-blob';
import { buildDriveLog, type DriveLogContent } from './drive-log';

export interface WrittenLogs {
  errorLogUri?: string;
  verboseLogUri?: string;
  manifestUri?: string;
}

/** `20261205-234400-123`: the log names' timestamp (UTC, business clock), sortable and free of ":" . */
export function logTimestamp(at: Date): string {
  const iso = at.toISOString();
  return `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}-${iso.slice(20, 23)}`;
}

/**
 * Writes a drive's logs as block blobs where Import/Export puts them (REFERENCE):
 * `waies/{job}_{driveId}_{timestamp}_{error|verbose}.xml` in the job's diagnostics container
 * (diagnosticsPath: a container, optionally followed by a virtual folder). The error log is written
 * whenever the drive had an error, the verbose log when the job's logLevel is Verbose, and a copy of
 * the manifest when the job asks for backupDriveManifest.
 */
export async function writeDriveLogs(
  service: BlobServiceClient,
  target: { jobName: string; diagnosticsPath: string; logLevel: string; backupDriveManifest: boolean; at: Date },
  content: DriveLogContent,
  manifest: Buffer | null,
): Promise<WrittenLogs> {
  const [container, ...folder] = target.diagnosticsPath.split('/').filter(Boolean);
  const client = service.getContainerClient(container ?? 'waimportexport');
  await client.createIfNotExists();
  const base = `${folder.map((f) => `${f}/`).join('')}waies/${target.jobName}_${content.driveId}_${logTimestamp(target.at)}`;
  const put = async (suffix: string, body: Buffer | string, contentType: string) => {
    const blob = client.getBlockBlobClient(`${base}_${suffix}`);
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    await blob.upload(bytes, bytes.length, { blobHTTPHeaders: { blobContentType: contentType } });
    return blob.url;
  };
  const logs: WrittenLogs = {};
  if (content.status !== 'Completed') logs.errorLogUri = await put('error.xml', buildDriveLog(content, 'error'), 'application/xml');
  if (target.logLevel === 'Verbose') logs.verboseLogUri = await put('verbose.xml', buildDriveLog(content, 'verbose'), 'application/xml');
  if (target.backupDriveManifest && manifest) logs.manifestUri = await put('DriveManifest.xml', manifest, 'application/xml');
  return logs;
}
