import { StorageImportExport } from '@azure/arm-storageimportexport';
import { ResourceManagementClient } from '@azure/arm-resources';
import { StorageManagementClient } from '@azure/arm-storage';
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

export function importExportClient(profile: CloudProfile, credential: TokenCredential, subscriptionId: string): StorageImportExport {
  return new StorageImportExport(credential, subscriptionId, commonOptions(profile));
}

export function resourcesClient(profile: CloudProfile, credential: TokenCredential, subscriptionId: string): ResourceManagementClient {
  return new ResourceManagementClient(credential, subscriptionId, commonOptions(profile));
}

export function storageClient(profile: CloudProfile, credential: TokenCredential, subscriptionId: string): StorageManagementClient {
  const { credentialScopes, ...rest } = commonOptions(profile);
  // The generated (TypeSpec) client takes its scopes under `credentials`.
  return new StorageManagementClient(credential, subscriptionId, { ...rest, credentials: { scopes: credentialScopes } });
}
