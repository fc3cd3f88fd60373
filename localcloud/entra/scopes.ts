/** Resources the local cloud issues tokens for, with the delegated permission Entra grants on each. */
export const RESOURCES: Record<string, string> = {
  'https://management.azure.com/': 'user_impersonation',
  'https://graph.microsoft.com/': 'Application.ReadWrite.All User.Read',
};

const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);

export interface ParsedScopes {
  /** The resource (token audience) the request is for. */
  audience: string;
  /** Scopes echoed back in the token response (msal caches the token under them). */
  granted: string[];
  offlineAccess: boolean;
}

/**
 * Reads scopes as Entra does: `https://management.azure.com/.default` or `.../user_impersonation`
 * name a resource; one resource per request; OIDC scopes ride along. Only OIDC scopes → Graph.
 */
export function parseScopes(raw: string): ParsedScopes | { error: string } {
  const scopes = raw.split(/\s+/).filter(Boolean);
  const resourceScopes = scopes.filter((s) => !OIDC_SCOPES.has(s));
  const audiences = new Set<string>();
  for (const scope of resourceScopes) {
    const match = /^(https:\/\/[^/]+\/)(.+)$/.exec(scope);
    if (!match || !RESOURCES[match[1] as string]) return { error: `The scope "${scope}" is not one this tenant can grant.` };
    audiences.add(match[1] as string);
  }
  if (audiences.size > 1) return { error: 'Ask for one resource per request (AADSTS28000).' };
  const audience = [...audiences][0] ?? 'https://graph.microsoft.com/';
  return { audience, granted: scopes, offlineAccess: scopes.includes('offline_access') };
}
