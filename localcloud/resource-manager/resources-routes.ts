import { checkApiVersion, requireResourceGroup, requireSubscription, type ArmContext } from './context';
import { ArmError, ok, type Router } from './http-kit';

/** Providers an operator may need to register; Import/Export and Data Box start NotRegistered (REFERENCE). */
const PROVIDERS: Record<string, { initial: string; resourceTypes: string[] }> = {
  'Microsoft.ImportExport': { initial: 'NotRegistered', resourceTypes: ['jobs', 'locations', 'operations'] },
  'Microsoft.DataBox': { initial: 'NotRegistered', resourceTypes: ['jobs', 'locations', 'operations'] },
  'Microsoft.Storage': { initial: 'Registered', resourceTypes: ['storageAccounts', 'operations'] },
  'Microsoft.RecoveryServices': { initial: 'Registered', resourceTypes: ['vaults', 'operations'] },
  'Microsoft.Authorization': { initial: 'Registered', resourceTypes: ['roleAssignments', 'roleDefinitions'] },
};

/** Microsoft.Resources: subscriptions, resource groups, resource providers and their registration. */
export function registerResourcesRoutes(router: Router, ctx: ArmContext): void {
  const subscriptionBody = (s: ArmContext['world']['subscriptions'][number]) => ({
    id: `/subscriptions/${s.subscriptionId}`,
    subscriptionId: s.subscriptionId,
    tenantId: ctx.world.tenantId,
    displayName: s.displayName,
    state: 'Enabled',
    subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' },
    authorizationSource: 'RoleBased',
  });
  const groupBody = (s: string, g: { name: string; location: string }) => ({
    id: `/subscriptions/${s}/resourceGroups/${g.name}`,
    name: g.name,
    type: 'Microsoft.Resources/resourceGroups',
    location: g.location,
    properties: { provisioningState: 'Succeeded' },
  });
  const providerBody = (s: string, namespace: string) => {
    const known = Object.keys(PROVIDERS).find((n) => n.toLowerCase() === namespace.toLowerCase());
    if (!known) throw new ArmError(404, 'InvalidResourceNamespace', `The resource namespace '${namespace}' is invalid.`);
    const info = PROVIDERS[known]!;
    let state = ctx.store.providerState(s, known) ?? info.initial;
    // Registration takes a moment in Azure: the first read after registering says Registering, then Registered.
    if (state === 'Registering') ctx.store.setProviderState(s, known, 'Registered');
    state = state === 'Registering' ? 'Registering' : state;
    return {
      id: `/subscriptions/${s}/providers/${known}`,
      namespace: known,
      registrationState: state,
      registrationPolicy: 'RegistrationRequired',
      resourceTypes: info.resourceTypes.map((resourceType) => ({ resourceType, locations: ['West US', 'West US 2', 'East US', 'West Europe'], apiVersions: ['2021-01-01'] })),
    };
  };

  router.add('GET', '/subscriptions', (req) => {
    checkApiVersion(req.query);
    return ok({ value: ctx.world.subscriptions.map(subscriptionBody) });
  });
  router.add('GET', '/subscriptions/{s}', (req) => {
    checkApiVersion(req.query);
    return ok(subscriptionBody(requireSubscription(ctx, req.params[0] as string)));
  });
  router.add('GET', '/subscriptions/{s}/resourceGroups', (req) => {
    checkApiVersion(req.query);
    const sub = requireSubscription(ctx, req.params[0] as string);
    return ok({ value: sub.resourceGroups.map((g) => groupBody(sub.subscriptionId, g)) });
  });
  router.add('GET', '/subscriptions/{s}/resourceGroups/{rg}', (req) => {
    checkApiVersion(req.query);
    const { sub, group } = requireResourceGroup(ctx, req.params[0] as string, req.params[1] as string);
    return ok(groupBody(sub.subscriptionId, group));
  });
  router.add('HEAD', '/subscriptions/{s}/resourceGroups/{rg}', (req) => {
    checkApiVersion(req.query);
    const sub = requireSubscription(ctx, req.params[0] as string);
    const exists = sub.resourceGroups.some((g) => g.name.toLowerCase() === (req.params[1] as string).toLowerCase());
    return { status: exists ? 204 : 404 };
  });
  router.add('GET', '/subscriptions/{s}/providers', (req) => {
    checkApiVersion(req.query);
    const sub = requireSubscription(ctx, req.params[0] as string);
    return ok({ value: Object.keys(PROVIDERS).map((n) => providerBody(sub.subscriptionId, n)) });
  });
  router.add('GET', '/subscriptions/{s}/providers/{namespace}', (req) => {
    checkApiVersion(req.query);
    const sub = requireSubscription(ctx, req.params[0] as string);
    return ok(providerBody(sub.subscriptionId, req.params[1] as string));
  });
  router.add('POST', '/subscriptions/{s}/providers/{namespace}/register', (req) => {
    checkApiVersion(req.query);
    const sub = requireSubscription(ctx, req.params[0] as string);
    const body = providerBody(sub.subscriptionId, req.params[1] as string);
    if (body.registrationState !== 'Registered') ctx.store.setProviderState(sub.subscriptionId, body.namespace, 'Registering');
    return ok(providerBody(sub.subscriptionId, body.namespace));
  });
}
