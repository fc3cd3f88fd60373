import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import type { WorldStorageAccount } from '../world';
import { checkApiVersion, requireResourceGroup, requireSubscription, storageAccountId, type ArmContext } from './context';
import { ArmError, ok, type Router } from './http-kit';

const ACCOUNTS = '/providers/Microsoft.Storage/storageAccounts';

/** Microsoft.Storage accounts and blob containers, backed by the running Azurite. */
export function registerStorageRoutes(router: Router, ctx: ArmContext): void {
  const accountBody = (a: WorldStorageAccount) => ({
    id: storageAccountId(a),
    name: a.name,
    type: 'Microsoft.Storage/storageAccounts',
    location: a.location,
    kind: a.kind,
    sku: { name: 'Standard_LRS', tier: 'Standard' },
    tags: {},
    properties: {
      provisioningState: 'Succeeded',
      creationTime: '2026-01-05T09:00:00.0000000Z',
      primaryLocation: a.location,
      statusOfPrimary: 'available',
      supportsHttpsTrafficOnly: false,
      minimumTlsVersion: 'TLS1_2',
      primaryEndpoints: { blob: `${ctx.azurite.blobEndpoint(a.name)}/` },
      ...(a.kind === 'StorageV2' || a.kind === 'BlobStorage' ? { accessTier: 'Hot' } : {}),
    },
  });

  const requireAccount = (s: string, rg: string, name: string): WorldStorageAccount => {
    requireResourceGroup(ctx, s, rg);
    if (!/^[a-z0-9]{3,24}$/.test(name)) {
      throw new ArmError(400, 'AccountNameInvalid', `${name} is not a valid storage account name. Storage account name must be between 3 and 24 characters in length and use numbers and lower-case letters only.`);
    }
    const account = ctx.world.storageAccounts.find((a) => a.subscriptionId.toLowerCase() === s.toLowerCase() && a.resourceGroup.toLowerCase() === rg.toLowerCase() && a.name === name);
    if (!account) throw new ArmError(404, 'ResourceNotFound', `The Resource 'Microsoft.Storage/storageAccounts/${name}' under resource group '${rg}' was not found.`);
    return account;
  };

  const blobService = (a: WorldStorageAccount) =>
    new BlobServiceClient(ctx.azurite.blobEndpoint(a.name), new StorageSharedKeyCredential(a.name, ctx.azurite.accountKey(a.name)));

  const containerBody = (a: WorldStorageAccount, name: string, lastModified?: Date, etag?: string) => ({
    id: `${storageAccountId(a)}/blobServices/default/containers/${name}`,
    name,
    type: 'Microsoft.Storage/storageAccounts/blobServices/containers',
    etag: etag ?? '"0x0"',
    properties: { publicAccess: 'None', leaseStatus: 'Unlocked', leaseState: 'Available', lastModifiedTime: (lastModified ?? new Date()).toISOString(), hasImmutabilityPolicy: false, hasLegalHold: false, deleted: false },
  });

  const checkContainerName = (name: string) => {
    // Azure's container rules (REFERENCE): 3–63 lowercase letters, digits, hyphens; no leading, trailing or double hyphen.
    if (!/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/.test(name)) {
      throw new ArmError(400, 'ContainerOperationFailure', `The container name "${name}" is invalid: use 3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.`);
    }
  };

  router.add('GET', `/subscriptions/{s}${ACCOUNTS}`, (req) => {
    checkApiVersion(req.query);
    const sub = requireSubscription(ctx, req.params[0] as string);
    return ok({ value: ctx.world.storageAccounts.filter((a) => a.subscriptionId === sub.subscriptionId).map(accountBody) });
  });
  router.add('GET', `/subscriptions/{s}/resourceGroups/{rg}${ACCOUNTS}`, (req) => {
    checkApiVersion(req.query);
    const { sub, group } = requireResourceGroup(ctx, req.params[0] as string, req.params[1] as string);
    return ok({ value: ctx.world.storageAccounts.filter((a) => a.subscriptionId === sub.subscriptionId && a.resourceGroup === group.name).map(accountBody) });
  });
  router.add('GET', `/subscriptions/{s}/resourceGroups/{rg}${ACCOUNTS}/{name}`, (req) => {
    checkApiVersion(req.query);
    const [s, rg, name] = req.params as [string, string, string];
    return ok(accountBody(requireAccount(s, rg, name)));
  });
  router.add('POST', `/subscriptions/{s}/resourceGroups/{rg}${ACCOUNTS}/{name}/listKeys`, (req) => {
    checkApiVersion(req.query);
    const [s, rg, name] = req.params as [string, string, string];
    const account = requireAccount(s, rg, name);
    return ok({ keys: [{ keyName: 'key1', value: ctx.azurite.accountKey(account.name), permissions: 'FULL', creationTime: '2026-01-05T09:00:00.0000000Z' }] });
  });
  router.add('GET', `/subscriptions/{s}/resourceGroups/{rg}${ACCOUNTS}/{name}/blobServices/default/containers`, async (req) => {
    checkApiVersion(req.query);
    const [s, rg, name] = req.params as [string, string, string];
    const account = requireAccount(s, rg, name);
    const value = [];
    for await (const c of blobService(account).listContainers()) value.push(containerBody(account, c.name, c.properties.lastModified, c.properties.etag));
    return ok({ value });
  });
  router.add('GET', `/subscriptions/{s}/resourceGroups/{rg}${ACCOUNTS}/{name}/blobServices/default/containers/{container}`, async (req) => {
    checkApiVersion(req.query);
    const [s, rg, name, container] = req.params as [string, string, string, string];
    const account = requireAccount(s, rg, name);
    checkContainerName(container);
    const client = blobService(account).getContainerClient(container);
    if (!(await client.exists())) throw new ArmError(404, 'ContainerNotFound', `The specified container ${container} does not exist.`);
    const props = await client.getProperties();
    return ok(containerBody(account, container, props.lastModified, props.etag));
  });
  router.add('PUT', `/subscriptions/{s}/resourceGroups/{rg}${ACCOUNTS}/{name}/blobServices/default/containers/{container}`, async (req) => {
    checkApiVersion(req.query);
    const [s, rg, name, container] = req.params as [string, string, string, string];
    const account = requireAccount(s, rg, name);
    checkContainerName(container);
    const client = blobService(account).getContainerClient(container);
    const created = await client.createIfNotExists();
    const props = await client.getProperties();
    return ok(containerBody(account, container, props.lastModified, props.etag), created.succeeded ? 201 : 200);
  });
}
