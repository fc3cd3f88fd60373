import { describe, expect, it } from 'vitest';
import { audienceOf, grantedScopes, parseResourceScope, ScopeError, scpClaim } from './entra-scopes';

describe('Entra scope dialect', () => {
  it('reads the resource and permission from Entra spellings', () => {
    expect(parseResourceScope('https://management.azure.com/.default')).toMatchObject({ permission: '.default', api: { audience: 'https://management.azure.com/' } });
    expect(parseResourceScope('https://management.azure.com//.default')?.canonical).toBe('https://management.azure.com/.default');
    expect(parseResourceScope('https://management.azure.com/user_impersonation')?.permission).toBe('user_impersonation');
    expect(parseResourceScope('openid')).toBeUndefined();
  });

  it('refuses unknown resources, permissions and bare scopes', () => {
    expect(() => parseResourceScope('https://vault.azure.net/.default')).toThrow(/vault\.azure\.net.*not found/);
    expect(() => parseResourceScope('https://management.azure.com/Owner')).toThrow(ScopeError);
    expect(() => grantedScopes(['openid', 'payroll'])).toThrow(/payroll/);
  });

  it('picks the audience of the first resource scope', () => {
    expect(audienceOf(['openid', 'https://graph.microsoft.com/User.Read', 'offline_access'])).toBe('https://graph.microsoft.com/');
    expect(audienceOf(['openid', 'profile'])).toBeUndefined();
  });

  it('grants every pre-consented API once any resource is asked for, keeping the OIDC scopes asked for', () => {
    const granted = grantedScopes(['https://management.azure.com/.default', 'openid', 'offline_access']);
    expect(granted).toEqual(expect.arrayContaining(['openid', 'offline_access', 'https://management.azure.com/.default', 'https://graph.microsoft.com/.default']));
    expect(granted).not.toContain('profile');
    expect(grantedScopes(['openid', 'profile'])).toEqual(['openid', 'profile']);
  });

  it('writes scp as Entra does: .default stands for all of the API’s permissions', () => {
    expect(scpClaim('https://management.azure.com/', ['https://management.azure.com/.default'])).toBe('user_impersonation');
    expect(scpClaim('https://graph.microsoft.com/', ['https://graph.microsoft.com/.default'])).toBe('User.Read Application.ReadWrite.All');
    expect(scpClaim('https://graph.microsoft.com/', ['https://graph.microsoft.com/User.Read', 'https://management.azure.com/.default'])).toBe('User.Read');
  });
});
