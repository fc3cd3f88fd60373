import { CryptoProvider } from '@azure/msal-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SEEDSHIP_CLIENT_ID } from '../world';
import { CookieBrowser } from './test-support/cookie-browser';
import { ARM_SCOPE, decodeJwt, OPERATOR, startTestIdentity, type TestIdentity } from './test-support/test-identity';

let identity: TestIdentity;
let browser: CookieBrowser;

beforeEach(async () => {
  identity = await startTestIdentity();
  browser = new CookieBrowser(identity.tls.caCertPem);
});

afterEach(async () => {
  await identity.cleanup();
});

/** Opens the authorization URL, signs in on the login page and returns where the browser is sent. */
async function signInAt(url: string, password = OPERATOR.password) {
  const login = await browser.open(url);
  expect(login.body).toMatch(/<label for="email">Email<\/label>/);
  expect(login.body).toMatch(/<label for="password">Password<\/label>/);
  expect(login.body).toMatch(/<button type="submit">Sign in<\/button>/);
  const submitted = await browser.submit(login, url, { email: OPERATOR.username, password });
  if (submitted.status !== 303 || !submitted.location) return submitted;
  return browser.open(new URL(submitted.location, url).href);
}

describe('authorization code + PKCE with a loopback redirect', () => {
  it('signs in on the login page and exchanges the code with acquireTokenByCode', async () => {
    const pca = identity.newPca();
    const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
    const redirectUri = 'http://localhost:53682/';
    const url = await pca.getAuthCodeUrl({ scopes: [ARM_SCOPE], redirectUri, codeChallenge: challenge, codeChallengeMethod: 'S256' });

    const back = await signInAt(url);
    expect(back.status).toBe(303);
    const redirect = new URL(back.location ?? '');
    expect(redirect.origin + redirect.pathname).toBe(redirectUri);
    const code = redirect.searchParams.get('code') ?? '';

    const result = await pca.acquireTokenByCode({ code, redirectUri, codeVerifier: verifier, scopes: [ARM_SCOPE] });
    expect(result.account?.username).toBe(OPERATOR.username);
    const cache = JSON.parse(pca.getTokenCache().serialize()) as { RefreshToken?: Record<string, unknown> };
    expect(Object.keys(cache.RefreshToken ?? {})).toHaveLength(1); // offline_access, added by msal, honoured
    await expect(identity.server.verifyAccessToken(result.accessToken, ['https://management.azure.com/'])).resolves.toMatchObject({
      oid: OPERATOR.objectId,
      scp: 'user_impersonation',
    });
    expect(decodeJwt(result.idToken)).toMatchObject({ aud: SEEDSHIP_CLIENT_ID, preferred_username: OPERATOR.username });
  });

  it('shows an error for a wrong password and issues no code', async () => {
    const pca = identity.newPca();
    const { challenge } = await new CryptoProvider().generatePkceCodes();
    const url = await pca.getAuthCodeUrl({ scopes: [ARM_SCOPE], redirectUri: 'http://localhost:53682/', codeChallenge: challenge, codeChallengeMethod: 'S256' });
    const page = await signInAt(url, 'Rehearse-Seedship-0');
    expect(page.status).toBe(401);
    expect(page.location).toBeUndefined();
    expect(page.body).toMatch(/role="alert">Your account or password is incorrect/);
    expect(page.body).toMatch(/<label for="password">Password<\/label>/);
  });

  it('accepts http://localhost and http://127.0.0.1 on any port as the redirect', async () => {
    const pca = identity.newPca();
    for (const redirectUri of ['http://127.0.0.1:41234/', 'http://localhost:8400', 'http://127.0.0.1:65001']) {
      const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
      const url = await pca.getAuthCodeUrl({ scopes: [ARM_SCOPE], redirectUri, codeChallenge: challenge, codeChallengeMethod: 'S256' });
      // After the first sign-in the browser has a session: the code comes back without a login page.
      const first = await browser.open(url);
      const back = first.status === 200 ? await signInAt(url) : first;
      const redirect = new URL(back.location ?? 'about:blank');
      expect(`${redirect.protocol}//${redirect.host}`).toBe(new URL(redirectUri).origin);
      const result = await pca.acquireTokenByCode({ code: redirect.searchParams.get('code') ?? '', redirectUri, codeVerifier: verifier, scopes: [ARM_SCOPE] });
      expect(result.account?.username).toBe(OPERATOR.username);
    }
  });

  it('makes acquireTokenInteractive work: its loopback server receives the code by form_post', async () => {
    const pca = identity.newPca();
    const result = await pca.acquireTokenInteractive({
      scopes: [ARM_SCOPE],
      successTemplate: 'Signed in to Seedship',
      openBrowser: async (url) => {
        const callback = await signInAt(url);
        expect(callback.status).toBe(200); // the form_post page that hands the code to the app
        const delivered = await browser.submit(callback, url, {});
        expect(delivered.body).toBe('Signed in to Seedship');
      },
    });
    expect(result.account?.username).toBe(OPERATOR.username);
    await expect(identity.server.verifyAccessToken(result.accessToken, ['https://management.azure.com/'])).resolves.toMatchObject({ oid: OPERATOR.objectId });
  });
});
