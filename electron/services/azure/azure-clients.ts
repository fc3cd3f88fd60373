import type { StorageImportExport } from '@azure/arm-storageimportexport';
import type { ResourceManagementClient } from '@azure/arm-resources';
import type { StorageManagementClient } from '@azure/arm-storage';
import type { TokenCredential } from '@azure/core-auth';
import { defaultScope, type CloudProfile } from '../../../shared/azure/cloud-profile';
import { extraCaPem } from './trusted-agent';

/** What every Azure SDK client of a profile shares: endpoint, scopes, and the CA to trust. */
function commonOptions(profile: CloudProfile) {
  const ca = extraCaPem(profile);
  return {
    endpoint: profile.armEndpoint,
    credentialScopes: [defaultScope(profile.armAudience)],
    ...(ca ? { tlsOptions: { ca } } : {}),
    userAgentOptions: { userAgentPrefix: 'Seedship' },
  };
}

// The SDKs load on first use (together about a second of start-up): backups and restores never need them.
export async function importExportClient(profile: CloudProfile, credential: TokenCredential, subscriptionId: string): Promise<StorageImportExport> {
  const { StorageImportExport } = await import('@azure/arm-storageimportexport');
  return new StorageImportExport(credential, subscriptionId, commonOptions(profile));
}

export async function resourcesClient(profile: CloudProfile, credential: TokenCredential, subscriptionId: string): Promise<ResourceManagementClient> {
  const { ResourceManagementClient } = await import('@azure/arm-resources');
  return new ResourceManagementClient(credential, subscriptionId, commonOptions(profile));
}

export async function storageClient(profile: CloudProfile, credential: TokenCredential, subscriptionId: string): Promise<StorageManagementClient> {
  const { StorageManagementClient } = await import('@azure/arm-storage');
  const { credentialScopes, ...rest } = commonOptions(profile);
  // The generated (TypeSpec) client takes its scopes under `credentials`.
  return new StorageManagementClient(credential, subscriptionId, { ...rest, credentials: { scopes: credentialScopes } });
}
