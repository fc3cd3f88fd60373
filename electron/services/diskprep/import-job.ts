import type { Location, PutJobParameters } from '@azure/arm-storageimportexport';
import { SeedshipError } from '../../../shared/api/errors';
import { MANIFEST_FILE, type Datacenter, type ImportJobResult, type PreparedDrive } from '../../../shared/diskprep/diskprep-api';
import { toReturnInfo, type ShippingDetails } from '../../../shared/diskprep/shipping-details';
import type { AzureService } from '../azure/azure-service';
import type { StagedJob } from '../backup/staging-descriptor';

/** The two-week rule and the one-package rule of Import/Export, as the operator's next steps. */
const NEXT_STEPS = [
  'Pack all drives of this job in one package; ship it to the datacenter address below with one tracking number (no other job may share it).',
  'Within two weeks, enter the carrier and tracking number on the job (Azure deletes jobs left without shipping information, and the drives are not processed).',
  'Keep the staging folder until the import job completes and the next scheduled backup has copied the data into the vault.',
];

/**
 * Creates the Import/Export job for the prepared drives (driveId = the serial, bitLockerKey = the
 * recovery password, the manifest's path, MD5 and the header hash), with the operator's return
 * address and carrier, then reads the datacenter address and carriers from the Locations API.
 */
export async function createImportJob(azure: AzureService, job: StagedJob, drives: PreparedDrive[], recoveryPasswords: string[], shipping: ShippingDetails): Promise<ImportJobResult> {
  const need = (value: string | null, field: string) => {
    if (!value) throw new SeedshipError('VALIDATION', `The staging descriptor has no ${field} for job ${job.jobName}: run the backup wizard's Azure step (or back up with --${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}).`, field);
    return value;
  };
  const subscriptionId = need(job.subscriptionId, 'subscriptionId');
  const resourceGroup = need(job.resourceGroup, 'resourceGroup');
  const storageAccount = need(job.storageAccount, 'storageAccount');
  const location = need(job.location, 'location');
  const storageAccountId = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Storage/storageAccounts/${storageAccount}`;
  const gateway = await azure.gateway(subscriptionId);
  const body: PutJobParameters = {
    location,
    properties: {
      storageAccountId,
      jobType: 'Import',
      ...toReturnInfo(shipping),
      diagnosticsPath: 'waimportexport',
      logLevel: 'Error',
      backupDriveManifest: true,
      driveList: drives.map((d, i) => ({ driveId: d.serial, bitLockerKey: recoveryPasswords[i] as string, manifestFile: MANIFEST_FILE, manifestHash: d.manifestHash, driveHeaderHash: d.driveHeaderHash })),
    },
  };
  const created = await gateway.importJobs.create(resourceGroup, job.jobName, body);
  const datacenter = toDatacenter(location, await gateway.importJobs.location(location));
  return {
    jobName: job.jobName,
    subscriptionId,
    resourceGroup,
    storageAccountId,
    location,
    state: created.properties?.state ?? 'Creating',
    drives: (created.properties?.driveList ?? []).map((d) => ({ driveId: d.driveId ?? '', manifestHash: d.manifestHash ?? '', state: d.state ?? 'Specified' })),
    datacenter,
    nextSteps: NEXT_STEPS,
    createdAt: new Date().toISOString(),
  };
}

export async function readDatacenter(azure: AzureService, subscriptionId: string, location: string): Promise<Datacenter> {
  const gateway = await azure.gateway(subscriptionId);
  return toDatacenter(location, await gateway.importJobs.location(location));
}

function toDatacenter(location: string, l: Location): Datacenter {
  return {
    location,
    address: {
      recipientName: l.recipientName ?? '',
      streetAddress1: l.streetAddress1 ?? '',
      streetAddress2: l.streetAddress2 ?? '',
      city: l.city ?? '',
      stateOrProvince: l.stateOrProvince ?? '',
      postalCode: l.postalCode ?? '',
      countryOrRegion: l.countryOrRegion ?? '',
      phone: l.phone ?? '',
    },
    additionalShippingInformation: l.additionalShippingInformation ?? '',
    supportedCarriers: l.supportedCarriers ?? [],
  };
}
