import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A person who can sign in to the local cloud's identity provider. */
export interface TestUser {
  username: string;
  password: string;
  displayName: string;
  /** Entra object id (the token's `oid`). */
  objectId: string;
}

export type StorageKind = 'StorageV2' | 'Storage' | 'BlobStorage' | 'BlockBlobStorage' | 'FileStorage';

export interface WorldStorageAccount {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  kind: StorageKind;
  location: string;
}

export interface WorldVault {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  /**
   * The blob storage behind the vault. Azure Backup's own vault storage is out of reach of third
   * parties, so in this rehearsal the vault names a storage account of the world (served by Azurite,
   * its key created at start like every account's) and a container in it; the vault GET shows them
   * as `properties.backingStorage`. Absent: the vault has none Seedship can address.
   */
  storage?: { account: string; container: string };
}

export interface World {
  tenantId: string;
  tenantDisplayName: string;
  subscriptions: { subscriptionId: string; displayName: string; resourceGroups: { name: string; location: string }[] }[];
  storageAccounts: WorldStorageAccount[];
  vaults: WorldVault[];
  users: TestUser[];
  /** Public client applications (no secret) allowed to sign users in; Seedship is the first. */
  publicClients: { clientId: string; name: string }[];
}

/** Seedship's app registration in the local cloud (a public client: device code and auth code + PKCE). */
export const SEEDSHIP_CLIENT_ID = '0f5eed00-51f0-4c1d-9e6b-7a5eed5a9001';

/**
 * The rehearsal world: one tenant, one subscription with two resource groups, storage accounts of
 * each kind the wizard must tell apart, a Recovery Services vault (with its backing storage account),
 * and a test operator.
 * `<dataDir>/world.json` (same shape, any subset of keys) replaces parts of it.
 */
export const DEFAULT_WORLD: World = {
  tenantId: 'c0ffee00-5eed-4a11-b00c-000000000001',
  tenantDisplayName: 'Contoso (local cloud)',
  subscriptions: [
    {
      subscriptionId: '8a6d5b2e-3c1f-4e7a-9b0d-5e5d5eed0001',
      displayName: 'Contoso Backup (local cloud)',
      resourceGroups: [
        { name: 'seedship-rg', location: 'westus2' },
        { name: 'archive-rg', location: 'eastus' },
      ],
    },
  ],
  storageAccounts: [
    { subscriptionId: '8a6d5b2e-3c1f-4e7a-9b0d-5e5d5eed0001', resourceGroup: 'seedship-rg', name: 'contosobackup', kind: 'StorageV2', location: 'westus2' },
    { subscriptionId: '8a6d5b2e-3c1f-4e7a-9b0d-5e5d5eed0001', resourceGroup: 'archive-rg', name: 'contosolegacy', kind: 'Storage', location: 'eastus' },
    { subscriptionId: '8a6d5b2e-3c1f-4e7a-9b0d-5e5d5eed0001', resourceGroup: 'archive-rg', name: 'contosoblobonly', kind: 'BlobStorage', location: 'eastus' },
    // The vault's backing storage (see WorldVault.storage).
    { subscriptionId: '8a6d5b2e-3c1f-4e7a-9b0d-5e5d5eed0001', resourceGroup: 'seedship-rg', name: 'contosovaultstore', kind: 'StorageV2', location: 'westus2' },
  ],
  vaults: [
    {
      subscriptionId: '8a6d5b2e-3c1f-4e7a-9b0d-5e5d5eed0001',
      resourceGroup: 'seedship-rg',
      name: 'contoso-vault',
      location: 'westus2',
      storage: { account: 'contosovaultstore', container: 'vault-data' },
    },
  ],
  users: [
    { username: 'operator@contoso.test', password: 'Rehearse-Seedship-1', displayName: 'Backup Operator', objectId: '3b1f0a52-8c7e-4d1a-9f00-0000000000a1' },
    { username: 'auditor@contoso.test', password: 'Rehearse-Seedship-2', displayName: 'Read-only Auditor', objectId: '3b1f0a52-8c7e-4d1a-9f00-0000000000a2' },
  ],
  publicClients: [{ clientId: SEEDSHIP_CLIENT_ID, name: 'Seedship' }],
};

export function loadWorld(dataDir: string): World {
  const file = join(dataDir, 'world.json');
  if (!existsSync(file)) return DEFAULT_WORLD;
  const override = JSON.parse(readFileSync(file, 'utf8')) as Partial<World>;
  return { ...DEFAULT_WORLD, ...override };
}
