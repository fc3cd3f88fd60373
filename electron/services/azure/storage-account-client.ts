import type { StorageAccount, StorageManagementClient } from '@azure/arm-storage';
import { SeedshipError } from '../../../shared/api/errors';
import { azureError } from './azure-errors';

/** Kinds the Import/Export service imports into: general purpose v1 ("Storage") and v2. */
export const IMPORT_ACCOUNT_KINDS = ['Storage', 'StorageV2'] as const;

export interface StorageAccountSummary {
  id: string;
  name: string;
  resourceGroup: string;
  kind: string;
  location: string;
  generalPurpose: boolean;
  blobEndpoint: string | null;
}

/** Storage accounts and their blob containers in one subscription (ARM, not data plane). */
export class StorageAccountClient {
  constructor(private readonly client: StorageManagementClient) {}

  async list(): Promise<StorageAccountSummary[]> {
    try {
      const accounts: StorageAccountSummary[] = [];
      for await (const account of this.client.storageAccounts.list()) accounts.push(summarize(account));
      return accounts;
    } catch (error) {
      throw azureError(error, 'listing storage accounts');
    }
  }

  /** Finds an account by name in the subscription; NOT_FOUND names the account and the fix. */
  async find(name: string): Promise<StorageAccountSummary> {
    const match = (await this.list()).find((a) => a.name === name);
    if (!match) {
      throw new SeedshipError('NOT_FOUND', `There is no storage account named "${name}" in this subscription: check the name, or create it in the Azure portal first.`, 'storageAccount');
    }
    return match;
  }

  async containerExists(resourceGroup: string, account: string, container: string): Promise<boolean> {
    try {
      await this.client.blobContainers.get(resourceGroup, account, container);
      return true;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return false;
      throw azureError(error, `checking container ${container}`);
    }
  }

  async createContainer(resourceGroup: string, account: string, container: string): Promise<void> {
    try {
      await this.client.blobContainers.create(resourceGroup, account, container, {});
    } catch (error) {
      throw azureError(error, `creating container ${container}`);
    }
  }
}

function summarize(account: StorageAccount): StorageAccountSummary {
  const id = account.id ?? '';
  const resourceGroup = /\/resourceGroups\/([^/]+)\//i.exec(id)?.[1] ?? '';
  const kind = account.kind ?? 'Unknown';
  return {
    id,
    name: account.name ?? '',
    resourceGroup,
    kind,
    location: account.location,
    generalPurpose: (IMPORT_ACCOUNT_KINDS as readonly string[]).includes(kind),
    blobEndpoint: account.primaryEndpoints?.blob ?? null,
  };
}
