import type Provider from 'oidc-provider';
import type { DeviceCode } from 'oidc-provider';
import type { TestUser } from '../world';
import type { SignInFailure } from './accounts';
import { grantedScopes, OIDC_SCOPES, RESOURCE_APIS, scopesOf, splitScope } from './entra-scopes';

/**
 * Records the user's consent for a client: the OIDC scopes asked for and every permission of every
 * API (pre-consented, as Entra treats Microsoft's own apps), so refresh tokens can switch resources.
 */
export async function grantConsent(provider: Provider, accountId: string, clientId: string, requestedScope: unknown): Promise<string> {
  const grant = new provider.Grant({ accountId, clientId });
  const oidc = splitScope(typeof requestedScope === 'string' ? requestedScope : '').filter((s) => OIDC_SCOPES.includes(s));
  if (oidc.length > 0) grant.addOIDCScope(oidc.join(' '));
  for (const api of RESOURCE_APIS) grant.addResourceScope(api.audience, scopesOf(api).join(' '));
  return grant.save();
}

export type PendingCodeFailure = 'unknown-code' | 'expired-code' | 'used-code';

/** The device code a person typed, if it is still waiting for a sign-in. */
export async function findPendingDeviceCode(provider: Provider, typed: string): Promise<DeviceCode | PendingCodeFailure> {
  const normalized = typed.toUpperCase().replace(/\W/g, ''); // as oidc-provider stores user codes
  if (!normalized) return 'unknown-code';
  const code = await provider.DeviceCode.findByUserCode(normalized, { ignoreExpiration: true });
  if (!code) return 'unknown-code';
  if (code.isExpired) return 'expired-code';
  if (code.accountId || code.error || code.inFlight) return 'used-code';
  return code;
}

/**
 * Marks a device code as signed in by `user`, as oidc-provider's own device flow would after its
 * interaction: the polling app then receives tokens at the token endpoint.
 */
export async function completeDeviceCode(provider: Provider, code: DeviceCode, user: TestUser): Promise<void> {
  const requested = splitScope(typeof code.params?.scope === 'string' ? code.params.scope : '');
  const scopes = grantedScopes(requested);
  const resources = scopes.some((s) => s.includes('://')) ? RESOURCE_APIS.map((api) => api.audience) : [];
  Object.assign(code, {
    accountId: user.objectId,
    grantId: await grantConsent(provider, user.objectId, code.clientId, scopes.join(' ')),
    scope: scopes.join(' '),
    authTime: Math.floor(Date.now() / 1000),
    amr: ['pwd'],
    resource: resources.length === 1 ? resources[0] : resources.length > 1 ? resources : undefined,
  });
  await code.save();
}

/** What people read when a sign-in fails (pages and approveDeviceCode). */
export const FAILURE_MESSAGES: Record<SignInFailure | PendingCodeFailure, string> = {
  'unknown-user': 'We couldn’t find an account with that email address in this local cloud.',
  'wrong-password': 'Your account or password is incorrect. Check your password and try again.',
  'unknown-code': 'That code didn’t work. Check the code and try again.',
  'expired-code': 'That code has expired. Start signing in again in the app to get a new one.',
  'used-code': 'That code has already been used. Start signing in again in the app to get a new one.',
};
