import { randomUUID } from 'node:crypto';
import { checkApiVersion, requireResourceGroup, requireSubscription, storageAccountById, storageAccountId, type ArmContext } from './context';
import { ArmError, objectBody, ok, type ArmRequest, type Router } from './http-kit';

const APPS = 'graph/applications';
const PRINCIPALS = 'graph/servicePrincipals';
const ROLE_ASSIGNMENTS = 'Microsoft.Authorization/roleAssignments';

/** Graph's error shape is ARM's too: `{"error":{"code","message"}}`. */
const graphError = (status: number, code: string, message: string) => new ArmError(status, code, message);

/**
 * The directory side: Graph applications and service principals (the Entra application MARS creates),
 * role assignments scoped to a storage account, and the Recovery Services vaults backups go to.
 */
export function registerDirectoryRoutes(router: Router, ctx: ArmContext): void {
  const tenantScope = `/tenants/${ctx.world.tenantId}`;

  router.add('POST', '/graph/v1.0/applications', (req) => {
    const body = objectBody(req);
    if (typeof body.displayName !== 'string' || body.displayName.trim() === '' || body.displayName.length > 256) {
      throw graphError(400, 'Request_BadRequest', 'displayName is required (1 to 256 characters).');
    }
    const app = {
      id: randomUUID(),
      appId: randomUUID(),
      displayName: body.displayName,
      signInAudience: typeof body.signInAudience === 'string' ? body.signInAudience : 'AzureADMyOrg',
      createdDateTime: ctx.clock.now().toISOString(),
      publisherDomain: 'contoso.test',
    };
    ctx.store.put(`${tenantScope}/${APPS}/${app.id}`, APPS, tenantScope, app);
    return ok({ '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#applications/$entity', ...app }, 201);
  });
  router.add('GET', '/graph/v1.0/applications', () => ok({ value: ctx.store.list(APPS, tenantScope) }));
  router.add('GET', '/graph/v1.0/applications/{id}', (req) => {
    const app = ctx.store.get(`${tenantScope}/${APPS}/${req.params[0] as string}`);
    if (!app) throw graphError(404, 'Request_ResourceNotFound', `Resource '${req.params[0] as string}' does not exist.`);
    return ok(app);
  });
  router.add('POST', '/graph/v1.0/servicePrincipals', (req) => {
    const body = objectBody(req);
    const app = ctx.store.list<{ appId: string; displayName: string }>(APPS, tenantScope).find((a) => a.appId === body.appId);
    if (!app) throw graphError(400, 'Request_BadRequest', `No application with appId '${String(body.appId)}' exists in this tenant.`);
    const sp = { id: randomUUID(), appId: app.appId, displayName: app.displayName, servicePrincipalType: 'Application', accountEnabled: true };
    ctx.store.put(`${tenantScope}/${PRINCIPALS}/${sp.id}`, PRINCIPALS, tenantScope, sp);
    return ok(sp, 201);
  });
  router.add('GET', '/graph/v1.0/servicePrincipals', () => ok({ value: ctx.store.list(PRINCIPALS, tenantScope) }));

  const assignment = (req: ArmRequest) => {
    checkApiVersion(req.query);
    const [scope, name] = [`/${req.params[0] as string}`, req.params[1] as string];
    if (!storageAccountById(ctx, scope)) throw new ArmError(404, 'ResourceNotFound', `The scope '${scope}' is not a storage account in this tenant.`);
    return { scope, name, id: `${scope}/providers/${ROLE_ASSIGNMENTS}/${name}` };
  };
  router.add('PUT', '/(subscriptions/.+)/providers/Microsoft.Authorization/roleAssignments/{name}', (req) => {
    const { scope, name, id } = assignment(req);
    const props = (objectBody(req).properties ?? {}) as Record<string, unknown>;
    if (!/^[0-9a-f-]{36}$/i.test(name)) throw new ArmError(400, 'InvalidRoleAssignmentId', 'The role assignment name must be a GUID.');
    if (typeof props.roleDefinitionId !== 'string' || !/\/providers\/Microsoft\.Authorization\/roleDefinitions\/[0-9a-f-]{36}$/i.test(props.roleDefinitionId)) {
      throw new ArmError(400, 'InvalidRoleDefinitionId', 'properties.roleDefinitionId must be a role definition id.');
    }
    if (!ctx.store.get(`${tenantScope}/${PRINCIPALS}/${String(props.principalId)}`)) {
      throw new ArmError(400, 'PrincipalNotFound', `Principal ${String(props.principalId)} does not exist in the directory ${ctx.world.tenantId}.`);
    }
    const doc = { id, name, type: ROLE_ASSIGNMENTS, properties: { roleDefinitionId: props.roleDefinitionId, principalId: props.principalId, principalType: props.principalType ?? 'ServicePrincipal', scope } };
    ctx.store.put(id, ROLE_ASSIGNMENTS, scope, doc);
    return ok(doc, 201);
  });
  router.add('GET', '/(subscriptions/.+)/providers/Microsoft.Authorization/roleAssignments/{name}', (req) => {
    const { id } = assignment(req);
    const doc = ctx.store.get(id);
    if (!doc) throw new ArmError(404, 'RoleAssignmentNotFound', `The role assignment '${req.params[1] as string}' is not found.`);
    return ok(doc);
  });

  // `backingStorage` is this local cloud's addition (not in Azure's API): the storage account and
  // container that stand for the vault's storage, so a rehearsal can seed it and back up to it.
  const backingStorage = (v: ArmContext['world']['vaults'][number]) => {
    const account = v.storage && ctx.world.storageAccounts.find((a) => a.name === v.storage?.account);
    if (!account || !v.storage) return {};
    return { backingStorage: { storageAccountId: storageAccountId(account), blobEndpoint: `${ctx.azurite.blobEndpoint(account.name)}/`, container: v.storage.container } };
  };
  const vaultBody = (v: ArmContext['world']['vaults'][number]) => ({
    id: `/subscriptions/${v.subscriptionId}/resourceGroups/${v.resourceGroup}/providers/Microsoft.RecoveryServices/vaults/${v.name}`,
    name: v.name,
    type: 'Microsoft.RecoveryServices/vaults',
    location: v.location,
    sku: { name: 'Standard' },
    properties: { provisioningState: 'Succeeded', ...backingStorage(v) },
  });
  router.add('GET', '/subscriptions/{s}/providers/Microsoft.RecoveryServices/vaults', (req) => {
    checkApiVersion(req.query);
    const sub = requireSubscription(ctx, req.params[0] as string);
    return ok({ value: ctx.world.vaults.filter((v) => v.subscriptionId === sub.subscriptionId).map(vaultBody) });
  });
  router.add('GET', '/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.RecoveryServices/vaults', (req) => {
    checkApiVersion(req.query);
    const { sub, group } = requireResourceGroup(ctx, req.params[0] as string, req.params[1] as string);
    return ok({ value: ctx.world.vaults.filter((v) => v.subscriptionId === sub.subscriptionId && v.resourceGroup === group.name).map(vaultBody) });
  });
  router.add('GET', '/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.RecoveryServices/vaults/{name}', (req) => {
    checkApiVersion(req.query);
    const { sub, group } = requireResourceGroup(ctx, req.params[0] as string, req.params[1] as string);
    const vault = ctx.world.vaults.find((v) => v.subscriptionId === sub.subscriptionId && v.resourceGroup === group.name && v.name === req.params[2]);
    if (!vault) throw new ArmError(404, 'ResourceNotFound', `The Resource 'Microsoft.RecoveryServices/vaults/${req.params[2] as string}' under resource group '${group.name}' was not found.`);
    return ok(vaultBody(vault));
  });
}
