import type { Clock } from '../clock';
import type { World, WorldStorageAccount } from '../world';
import { ArmError } from './http-kit';
import type { ArmStore } from './store';

export interface ArmContext {
  store: ArmStore;
  world: World;
  clock: Clock;
  azurite: { blobEndpoint(account: string): string; accountKey(account: string): string };
}

/** The subscription, or ARM's 404 SubscriptionNotFound. */
export function requireSubscription(ctx: ArmContext, subscriptionId: string) {
  const sub = ctx.world.subscriptions.find((s) => s.subscriptionId.toLowerCase() === subscriptionId.toLowerCase());
  if (!sub) throw new ArmError(404, 'SubscriptionNotFound', `The subscription '${subscriptionId}' could not be found.`);
  return sub;
}

/** The resource group, or ARM's 404 ResourceGroupNotFound. */
export function requireResourceGroup(ctx: ArmContext, subscriptionId: string, resourceGroup: string) {
  const sub = requireSubscription(ctx, subscriptionId);
  const group = sub.resourceGroups.find((g) => g.name.toLowerCase() === resourceGroup.toLowerCase());
  if (!group) throw new ArmError(404, 'ResourceGroupNotFound', `Resource group '${resourceGroup}' could not be found.`);
  return { sub, group };
}

export function storageAccountId(a: WorldStorageAccount): string {
  return `/subscriptions/${a.subscriptionId}/resourceGroups/${a.resourceGroup}/providers/Microsoft.Storage/storageAccounts/${a.name}`;
}

/** Finds a world storage account by its ARM id (case-insensitive, as ARM ids are). */
export function storageAccountById(ctx: ArmContext, id: string): WorldStorageAccount | undefined {
  return ctx.world.storageAccounts.find((a) => storageAccountId(a).toLowerCase() === id.toLowerCase());
}

export function checkApiVersion(query: URLSearchParams, supported?: readonly string[]): void {
  const version = query.get('api-version');
  if (!version) throw new ArmError(400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests.");
  if (supported ? !supported.includes(version) : !/^\d{4}-\d{2}-\d{2}(-preview)?$/.test(version)) {
    throw new ArmError(400, 'InvalidApiVersionParameter', `The api-version '${version}' is invalid.${supported ? ` The supported versions are '${supported.join(',')}'.` : ''}`);
  }
}
