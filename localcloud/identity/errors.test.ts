import { request } from 'node:https';
import { CryptoProvider } from '@azure/msal-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SEEDSHIP_CLIENT_ID } from '../world';
import { CookieBrowser } from './test-support/cookie-browser';
import { ARM_SCOPE, createPca, OPERATOR, startTestIdentity, type TestIdentity } from './test-support/test-identity';

const STRANGER = '11111111-2222-3333-4444-555555555555';

let identity: TestIdentity;
let browser: CookieBrowser;

beforeEach(async () => {
  identity = await startTestIdentity();
  browser = new CookieBrowser(identity.tls.caCertPem);
});

afterEach(async () => {
  await identity.cleanup();
});

async function authorizeUrl(clientId: string, redirectUri: string, scopes = [ARM_SCOPE]): Promise<string> {
  const { challenge } = await new CryptoProvider().generatePkceCodes();
  return createPca(identity.server, identity.tls.caCertPem, clientId).getAuthCodeUrl({ scopes, redirectUri, codeChallenge: challenge, codeChallengeMethod: 'S256' });
}

const alertOf = (html: string) => /role="alert">([^<]*)<\/p>(?:<p>([^<]*))?/.exec(html)?.slice(1).join(' ').replace(/&#39;/g, "'");

async function discoveryStillServed(): Promise<void> {
  const page = await browser.get(`${identity.server.authority}/.well-known/openid-configuration`);
  expect(page.status).toBe(200);
}

describe('discovery and TLS', () => {
  it('publishes the Entra-style issuer and endpoints under <issuer>/.well-known/openid-configuration', async () => {
    const page = await browser.get(`${identity.server.authority}/.well-known/openid-configuration`);
    const config = JSON.parse(page.body) as Record<string, unknown>;
    const issuer = identity.server.authority;
    expect(issuer).toBe(`https://127.0.0.1:${identity.server.port}/c0ffee00-5eed-4a11-b00c-000000000001/v2.0`);
    expect(config).toMatchObject({
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      device_authorization_endpoint: `${issuer}/devicecode`,
      jwks_uri: `${issuer}/keys`,
    });
    expect(config.code_challenge_methods_supported).toEqual(['S256']);
  });

  it('is only reachable by clients that trust the local cloud CA', async () => {
    const failure = await new Promise<string>((resolve) => {
      const req = request(`${identity.server.authority}/.well-known/openid-configuration`, (res) => resolve(`answered ${res.statusCode}`));
      req.on('error', (error: Error & { code?: string }) => resolve(error.code ?? error.message));
      req.end();
    });
    expect(failure).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|UNABLE_TO_GET_ISSUER_CERT/);
  });

  it('answers 404 outside the tenant and for unknown endpoints', async () => {
    expect((await browser.get(`${identity.server.url}/common/v2.0/.well-known/openid-configuration`)).status).toBe(404);
    expect((await browser.get(`${identity.server.authority}/nowhere`)).status).toBe(404);
  });
});

describe('clear OAuth errors, and the server stays up', () => {
  it('names an unknown client id at the authorization and device code endpoints', async () => {
    const page = await browser.open(await authorizeUrl(STRANGER, 'http://localhost:8400/'));
    expect(page.status).toBe(400);
    expect(alertOf(page.body)).toBe(`invalid_client Application with identifier '${STRANGER}' was not found in the directory 'Contoso (local cloud)'.`);

    const device = await browser.post(`${identity.server.authority}/devicecode`, { client_id: STRANGER, scope: ARM_SCOPE }, 'application/json');
    expect(device.status).toBe(401);
    expect(JSON.parse(device.body)).toMatchObject({ error: 'invalid_client', error_description: expect.stringContaining(STRANGER) });
    await expect(createPca(identity.server, identity.tls.caCertPem, STRANGER).acquireTokenByDeviceCode({ scopes: [ARM_SCOPE], deviceCodeCallback: () => undefined })).rejects.toThrow(
      /invalid_client/,
    );
    await discoveryStillServed();
  });

  it('refuses redirect URIs that are not loopback, without redirecting to them', async () => {
    for (const redirectUri of ['https://evil.example/callback', 'http://192.168.1.10:8400/', 'https://localhost:8400/']) {
      const page = await browser.open(await authorizeUrl(SEEDSHIP_CLIENT_ID, redirectUri));
      expect(page.status).toBe(400);
      expect(page.location).toBeUndefined();
      expect(alertOf(page.body)).toMatch(/^invalid_redirect_uri The redirect URI '.*' is not registered for this application/);
    }
    await discoveryStillServed();
  });

  it('tells an unknown user so on the login page', async () => {
    const url = await authorizeUrl(SEEDSHIP_CLIENT_ID, 'http://localhost:8400/');
    const login = await browser.open(url);
    const refused = await browser.submit(login, url, { email: 'nobody@contoso.test', password: OPERATOR.password });
    expect(refused.status).toBe(401);
    expect(alertOf(refused.body)).toContain('We couldn’t find an account with that email address');
    await discoveryStillServed();
  });

  it('sends an unknown resource back to the app as invalid_scope', async () => {
    const page = await browser.open(await authorizeUrl(SEEDSHIP_CLIENT_ID, 'http://127.0.0.1:8400/', ['https://vault.azure.net/.default']));
    expect(page.status).toBe(303);
    const back = new URL(page.location ?? 'about:blank');
    expect(back.origin).toBe('http://127.0.0.1:8400');
    expect(back.searchParams.get('error')).toBe('invalid_scope');
    expect(back.searchParams.get('error_description')).toContain('https://vault.azure.net/');
  });

  it('rejects a refresh token it never issued', async () => {
    const pca = identity.newPca();
    await expect(pca.acquireTokenByRefreshToken({ refreshToken: 'made-up', scopes: [ARM_SCOPE] })).rejects.toThrow(/invalid_grant/);
    await discoveryStillServed();
  });
});
