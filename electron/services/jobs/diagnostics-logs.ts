import type { ContainerClient } from '@azure/storage-blob';
import { SeedshipError } from '../../../shared/api/errors';
import { parseDriveLogName, readDriveLog } from '../../../shared/jobs/drive-log';
import type { DriveLog } from '../../../shared/jobs/jobs-api';
import { azureError } from '../azure/azure-errors';
import { storageClient } from '../azure/azure-clients';
import type { AzureService } from '../azure/azure-service';

/** The service's default diagnostics container (REFERENCE: diagnosticsPath, default `waimportexport`). */
export const DEFAULT_DIAGNOSTICS_CONTAINER = 'waimportexport';
/** Logs longer than this are shown truncated (a verbose log of a full drive runs to megabytes). */
const MAX_LOG_BYTES = 2 * 1024 * 1024;

/** Splits `/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.Storage/storageAccounts/{name}`. */
export function parseStorageAccountId(id: string): { subscriptionId: string; resourceGroup: string; account: string } | null {
  const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Storage\/storageAccounts\/([^/]+)$/i.exec(id);
  return m ? { subscriptionId: m[1] as string, resourceGroup: m[2] as string, account: m[3] as string } : null;
}

/**
 * The job's diagnostics container, opened with the storage account's key (ARM listKeys, as the
 * operator's role allows): Import/Export writes each drive's copy logs there.
 */
export async function openDiagnosticsContainer(azure: AzureService, storageAccountId: string, container: string): Promise<ContainerClient> {
  const parts = parseStorageAccountId(storageAccountId);
  if (!parts) throw new SeedshipError('VALIDATION', `The job names the storage account "${storageAccountId}", which isn’t a storage account id.`);
  const profile = await azure.profile();
  const storage = await storageClient(profile, azure.auth.credential(profile.armAudience), parts.subscriptionId);
  let endpoint: string | undefined;
  let key: string | undefined;
  try {
    const account = await storage.storageAccounts.getProperties(parts.resourceGroup, parts.account);
    endpoint = account.primaryEndpoints?.blob;
    key = (await storage.storageAccounts.listKeys(parts.resourceGroup, parts.account)).keys?.[0]?.value;
  } catch (error) {
    throw azureError(error, `reading the keys of storage account ${parts.account}`);
  }
  if (!endpoint || !key) throw new SeedshipError('UNAVAILABLE', `Azure gave no blob endpoint or key for storage account ${parts.account}.`);
  const { BlobServiceClient, StorageSharedKeyCredential } = await import('@azure/storage-blob');
  return new BlobServiceClient(endpoint, new StorageSharedKeyCredential(parts.account, key)).getContainerClient(container);
}

/** The blob name a log URI points at inside `container`, or null if it points elsewhere. */
function blobNameOf(uri: string, container: string): string | null {
  try {
    const path = decodeURIComponent(new URL(uri).pathname);
    const at = path.indexOf(`/${container}/`);
    return at >= 0 ? path.slice(at + container.length + 2) : null;
  } catch {
    return null;
  }
}

/**
 * A drive's copy logs, newest first: the blobs named `waies/{job}_{driveId}_{timestamp}_{kind}.xml`
 * plus any the job's drive names in errorLogUri/verboseLogUri, each read into plain words.
 */
export async function readDriveLogs(container: ContainerClient, jobName: string, driveId: string, uris: (string | null)[]): Promise<DriveLog[]> {
  const names = new Set<string>();
  const prefix = `waies/${jobName}_${driveId}_`;
  // The prefix also holds the copy of the drive's manifest (`…_DriveManifest.xml`, the drive's
  // manifestUri when the job asks for backupDriveManifest): not a log, and its <Blob>s carry no status.
  for await (const blob of container.listBlobsFlat({ prefix })) if (parseDriveLogName(blob.name)) names.add(blob.name);
  for (const uri of uris) {
    const name = uri ? blobNameOf(uri, container.containerName) : null;
    if (name) names.add(name);
  }
  const logs: DriveLog[] = [];
  for (const name of names) {
    const blob = container.getBlobClient(name);
    let size: number;
    try {
      size = (await blob.getProperties()).contentLength ?? 0;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) continue;
      throw error;
    }
    const bytes = await blob.downloadToBuffer(0, Math.min(size, MAX_LOG_BYTES));
    const parsedName = parseDriveLogName(name);
    const readable = readDriveLog(bytes.toString('utf8'));
    logs.push({
      blobName: name,
      kind: parsedName?.kind ?? (/verbose/i.test(name) ? 'verbose' : 'error'),
      timestamp: parsedName?.timestamp ?? null,
      sizeBytes: size,
      ...readable,
      truncated: size > MAX_LOG_BYTES,
    });
  }
  // Error logs first, then newest first (timestamps in the names sort as text).
  return logs.sort((a, b) => (a.kind === b.kind ? (b.timestamp ?? '').localeCompare(a.timestamp ?? '') : a.kind === 'error' ? -1 : 1));
}
