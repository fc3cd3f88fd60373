import type { ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { SeedshipError } from '../../../shared/api/errors';
import { defaultScope, type CloudProfile } from '../../../shared/azure/cloud-profile';
import { storageClient } from '../azure/azure-clients';
import { azureError } from '../azure/azure-errors';
import type { AzureService } from '../azure/azure-service';
import { extraCaPem } from '../azure/trusted-agent';

const VAULTS_API = '2023-04-01';

/** A Recovery Services vault and the blob container that stands for its storage. */
export interface VaultLocation {
  name: string;
  resourceGroup: string;
  storageAccountId: string;
  container: string;
}

/** A container with the shared key that signs for it (for SAS on copy sources). */
export interface ContainerAccess {
  container: ContainerClient;
  credential: StorageSharedKeyCredential;
  account: string;
}

interface VaultResource {
  id?: string;
  name?: string;
  properties?: { backingStorage?: { storageAccountId?: string; container?: string } };
}

/**
 * The Azure side of the vault: the import job's state (Import/Export GET), the vault (Recovery
 * Services GET), and blob containers of storage accounts addressed by their keys (listKeys), all
 * as the signed-in operator.
 */
export class VaultAzure {
  constructor(private readonly azure: AzureService) {}

  /** The import job's state (Creating … Completed, Closed), or NOT_FOUND. */
  async importJobState(subscriptionId: string, resourceGroup: string, jobName: string): Promise<string> {
    const gateway = await this.azure.gateway(subscriptionId);
    const job = await gateway.importJobs.get(resourceGroup, jobName);
    return job.properties?.state ?? 'Unknown';
  }

  /** The resource group of a storage account of the subscription, found by name. */
  async accountResourceGroup(subscriptionId: string, account: string): Promise<string> {
    const gateway = await this.azure.gateway(subscriptionId);
    return (await gateway.storageAccounts.find(account)).resourceGroup;
  }

  /**
   * The vault by name, or the only vault of the subscription. Azure Backup's own vault storage is out
   * of a third party's reach, so Seedship needs the vault to name a container it can address: the
   * local cloud shows one as `properties.backingStorage`; a vault without it is refused, clearly.
   */
  async findVault(subscriptionId: string, name: string | null): Promise<VaultLocation> {
    const profile = await this.azure.profile();
    const list = await this.armGet<{ value?: VaultResource[] }>(profile, `/subscriptions/${subscriptionId}/providers/Microsoft.RecoveryServices/vaults`, 'listing the Recovery Services vaults');
    const vaults = list.value ?? [];
    const vault = name ? vaults.find((v) => v.name === name) : vaults.length === 1 ? vaults[0] : undefined;
    if (!vault) {
      const names = vaults.map((v) => v.name).join(', ') || 'none';
      throw new SeedshipError(
        'NOT_FOUND',
        name ? `There is no Recovery Services vault named "${name}" in this subscription (it has: ${names}).` : `Choose the Recovery Services vault to seed (this subscription has: ${names}).`,
        'vault',
      );
    }
    const resourceGroup = /\/resourceGroups\/([^/]+)\//i.exec(vault.id ?? '')?.[1] ?? '';
    const storage = vault.properties?.backingStorage;
    if (!storage?.storageAccountId || !storage.container) {
      throw new SeedshipError(
        'VALIDATION',
        `The vault ${vault.name ?? ''} has no storage Seedship can address: Azure Backup keeps its vault storage to itself, so Seedship seeds vaults that name a backing storage container (as the local cloud's do).`,
        'vault',
      );
    }
    return { name: vault.name ?? '', resourceGroup, storageAccountId: storage.storageAccountId, container: storage.container };
  }

  /** A container of a storage account (by resource group and name), signed with the account key from listKeys. */
  async container(subscriptionId: string, resourceGroup: string, account: string, container: string): Promise<ContainerAccess> {
    const profile = await this.azure.profile();
    const client = await storageClient(profile, this.azure.auth.credential(profile.armAudience), subscriptionId);
    let key: string | undefined;
    let endpoint: string | undefined;
    try {
      key = (await client.storageAccounts.listKeys(resourceGroup, account)).keys?.[0]?.value;
      endpoint = (await client.storageAccounts.getProperties(resourceGroup, account)).primaryEndpoints?.blob;
    } catch (error) {
      throw azureError(error, `reading the keys of storage account ${account}`);
    }
    if (!key) throw new SeedshipError('UNAUTHORIZED', `Azure gave no key for storage account ${account}: the account may forbid shared key access.`);
    const { BlobServiceClient, StorageSharedKeyCredential } = await import('@azure/storage-blob');
    const credential = new StorageSharedKeyCredential(account, key);
    const base = endpoint ?? profile.blobEndpointTemplate.replace('{account}', account);
    const service = new BlobServiceClient(base.replace(/\/$/, ''), credential);
    return { container: service.getContainerClient(container), credential, account };
  }

  /** The vault's container, by the storage account's ARM id. */
  async vaultContainer(vault: { storageAccountId: string; container: string }): Promise<ContainerAccess> {
    const match = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Storage\/storageAccounts\/([^/]+)$/i.exec(vault.storageAccountId);
    if (!match) throw new SeedshipError('VALIDATION', `"${vault.storageAccountId}" is not a storage account id.`, 'vault');
    const [, subscriptionId, resourceGroup, account] = match as unknown as [string, string, string, string];
    return this.container(subscriptionId, resourceGroup, account, vault.container);
  }

  private async armGet<T>(profile: CloudProfile, path: string, doing: string): Promise<T> {
    const rest = await import('@azure/core-rest-pipeline');
    const ca = extraCaPem(profile);
    const pipeline = rest.createPipelineFromOptions({ ...(ca ? { tlsOptions: { ca } } : {}), userAgentOptions: { userAgentPrefix: 'Seedship' } });
    pipeline.addPolicy(rest.bearerTokenAuthenticationPolicy({ credential: this.azure.auth.credential(profile.armAudience), scopes: defaultScope(profile.armAudience) }));
    const request = rest.createPipelineRequest({ url: `${profile.armEndpoint}${path}?api-version=${VAULTS_API}`, method: 'GET' });
    let response;
    try {
      response = await pipeline.sendRequest(rest.createDefaultHttpClient(), request);
    } catch (error) {
      throw azureError(error, doing);
    }
    const parsed = response.bodyAsText ? (JSON.parse(response.bodyAsText) as unknown) : {};
    if (response.status >= 400) throw azureError({ statusCode: response.status, details: parsed }, doing);
    return parsed as T;
  }
}
