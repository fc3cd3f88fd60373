/**
 * Entra's scope dialect: a resource's permissions are asked for as `<resource URI>/<permission>`
 * (`https://management.azure.com/.default`), and one refresh token serves every resource the app
 * was consented to. oidc-provider speaks RFC 8707 resource indicators instead; these helpers map
 * between the two.
 */

/** An API the local cloud issues access tokens for (a resource server in OAuth terms). */
export interface ResourceApi {
  /** The token's `aud`, as Entra writes it for these first-party APIs. */
  audience: string;
  /** Delegated permissions Seedship is pre-consented to; `.default` means all of them. */
  permissions: readonly string[];
}

export const ARM_AUDIENCE = 'https://management.azure.com/';
export const GRAPH_AUDIENCE = 'https://graph.microsoft.com/';

export const RESOURCE_APIS: readonly ResourceApi[] = [
  { audience: ARM_AUDIENCE, permissions: ['user_impersonation'] },
  { audience: GRAPH_AUDIENCE, permissions: ['User.Read', 'Application.ReadWrite.All'] },
];

/** The OpenID Connect scopes (no resource); everything else names a resource's permission. */
export const OIDC_SCOPES: readonly string[] = ['openid', 'profile', 'email', 'offline_access'];

const DEFAULT = '.default';

/** A requested scope that names no known resource or permission (Entra: AADSTS500011 / 70011). */
export class ScopeError extends Error {
  constructor(
    message: string,
    readonly scope: string,
  ) {
    super(message);
    this.name = 'ScopeError';
  }
}

/** Every scope string that stands for one of `api`'s permissions. */
export function scopesOf(api: ResourceApi): string[] {
  return [`${api.audience}${DEFAULT}`, ...api.permissions.map((p) => `${api.audience}${p}`)];
}

export function findApi(audience: string): ResourceApi | undefined {
  return RESOURCE_APIS.find((api) => api.audience === audience);
}

/**
 * Splits a resource scope into its API and permission; undefined for OIDC scopes.
 * Accepts Entra's spellings `https://x/.default`, `https://x//.default` and `https://x/perm`.
 */
export function parseResourceScope(scope: string): { api: ResourceApi; permission: string; canonical: string } | undefined {
  if (!scope.includes('://')) return undefined;
  const slash = scope.lastIndexOf('/');
  const resource = `${scope.slice(0, slash).replace(/\/+$/, '')}/`;
  const permission = scope.slice(slash + 1);
  const api = findApi(resource);
  if (!api) throw new ScopeError(`The resource principal named ${resource} was not found in the tenant.`, scope);
  const known = permission === DEFAULT || api.permissions.includes(permission);
  if (!known) throw new ScopeError(`The scope ${scope} is not a permission of ${resource}.`, scope);
  return { api, permission, canonical: `${api.audience}${permission}` };
}

export function splitScope(scope: string | undefined): string[] {
  return (scope ?? '').split(' ').filter(Boolean);
}

/** The audience of the first resource scope in a request (Entra: one resource per token). */
export function audienceOf(scopes: readonly string[]): string | undefined {
  for (const scope of scopes) {
    const parsed = parseResourceScope(scope);
    if (parsed) return parsed.api.audience;
  }
  return undefined;
}

/**
 * The scopes a sign-in grants: the requested OIDC scopes and, when any resource was asked for,
 * every permission of every API (Seedship is pre-consented, as a first-party app is in Entra), so
 * its refresh token later yields tokens for the other APIs too. Unknown scopes throw ScopeError.
 */
export function grantedScopes(requested: readonly string[]): string[] {
  const oidc = requested.filter((s) => OIDC_SCOPES.includes(s));
  const resources = requested.map((s) => parseResourceScope(s)?.canonical).filter((s): s is string => s !== undefined);
  const unknown = requested.find((s) => !OIDC_SCOPES.includes(s) && !s.includes('://'));
  if (unknown !== undefined) throw new ScopeError(`The scope ${unknown} is not valid.`, unknown);
  if (resources.length === 0) return [...new Set(oidc)];
  return [...new Set([...oidc, ...resources, ...RESOURCE_APIS.flatMap(scopesOf)])];
}

/** Entra's `scp` claim: the permission names granted for `audience`, `.default` standing for all. */
export function scpClaim(audience: string, scopes: readonly string[]): string {
  const api = findApi(audience);
  if (!api) return '';
  const granted = new Set<string>();
  for (const scope of scopes) {
    if (!scope.startsWith(api.audience)) continue;
    const permission = scope.slice(api.audience.length);
    if (permission === DEFAULT) api.permissions.forEach((p) => granted.add(p));
    else if (api.permissions.includes(permission)) granted.add(permission);
  }
  return api.permissions.filter((p) => granted.has(p)).join(' ');
}
