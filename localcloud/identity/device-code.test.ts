import { PublicClientApplication } from '@azure/msal-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_WORLD, SEEDSHIP_CLIENT_ID } from '../world';
import { CaNetworkClient } from './test-support/ca-network-client';
import { CookieBrowser } from './test-support/cookie-browser';
import { ARM_SCOPE, decodeJwt, deviceCodeSignIn, OPERATOR, startTestIdentity, type TestIdentity } from './test-support/test-identity';

let identity: TestIdentity;

beforeEach(async () => {
  identity = await startTestIdentity();
});

afterEach(async () => {
  await identity.cleanup();
});

describe('device code flow with the real msal-node', () => {
  it('completes through approveDeviceCode and returns Entra-shaped tokens', async () => {
    const { result, prompt } = await deviceCodeSignIn(identity.newPca(), [ARM_SCOPE], (p) =>
      identity.server.approveDeviceCode(p.userCode, OPERATOR.username, OPERATOR.password),
    );
    expect(prompt.verificationUri).toBe(`${identity.server.authority}/devicelogin`);
    expect(prompt.message).toContain(prompt.userCode);
    expect(result.account?.username).toBe(OPERATOR.username);
    expect(result.account?.tenantId).toBe(DEFAULT_WORLD.tenantId);
    const claims = await identity.server.verifyAccessToken(result.accessToken, ['https://management.azure.com/']);
    expect(claims).toMatchObject({
      iss: identity.server.authority,
      aud: 'https://management.azure.com/',
      tid: DEFAULT_WORLD.tenantId,
      oid: OPERATOR.objectId,
      sub: OPERATOR.objectId,
      preferred_username: OPERATOR.username,
      name: OPERATOR.displayName,
      scp: 'user_impersonation',
    });
    expect(claims.nbf).toBe(claims.iat);
    expect(Number(claims.exp)).toBeGreaterThan(Number(claims.iat));
    expect(JSON.parse(Buffer.from(result.accessToken.split('.')[0] ?? '', 'base64url').toString())).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    expect(decodeJwt(result.idToken)).toMatchObject({ aud: SEEDSHIP_CLIENT_ID, tid: DEFAULT_WORLD.tenantId, oid: OPERATOR.objectId, preferred_username: OPERATOR.username, name: OPERATOR.displayName });
  });

  it('also works with msal-node left in its default (AAD) protocol mode', async () => {
    const pca = new PublicClientApplication({
      auth: { clientId: SEEDSHIP_CLIENT_ID, authority: identity.server.authority, knownAuthorities: [new URL(identity.server.url).host] },
      system: { networkClient: new CaNetworkClient(identity.tls.caCertPem) },
    });
    const { result } = await deviceCodeSignIn(pca, [ARM_SCOPE], (p) => identity.server.approveDeviceCode(p.userCode, OPERATOR.username, OPERATOR.password));
    expect(result.account?.username).toBe(OPERATOR.username);
    await expect(identity.server.verifyAccessToken(result.accessToken, ['https://management.azure.com/'])).resolves.toMatchObject({ oid: OPERATOR.objectId });
  });

  it('completes in the browser: Code, Next, then Email and Password; a wrong code or password shows an error', async () => {
    const browser = new CookieBrowser(identity.tls.caCertPem);
    const seen: Record<string, number> = {};
    const { result } = await deviceCodeSignIn(identity.newPca(), [ARM_SCOPE], async (p) => {
      const codePage = await browser.open(p.verificationUri);
      expect(codePage.body).toMatch(/<label for="user_code">Code<\/label>/);
      expect(codePage.body).toMatch(/<button type="submit">Next<\/button>/);

      const wrongCode = await browser.submit(codePage, p.verificationUri, { user_code: 'BCDF-GHJK' });
      seen.wrongCode = wrongCode.status;
      expect(wrongCode.body).toContain('That code didn’t work');

      // People type codes in lower case and without the dash.
      const loginPage = await browser.submit(wrongCode, p.verificationUri, { user_code: p.userCode.toLowerCase().replace('-', '') });
      expect(loginPage.body).toMatch(/<label for="email">Email<\/label>/);
      expect(loginPage.body).toMatch(/<label for="password">Password<\/label>/);
      expect(loginPage.body).toMatch(/<button type="submit">Sign in<\/button>/);

      const wrongPassword = await browser.submit(loginPage, p.verificationUri, { email: OPERATOR.username, password: 'not the password' });
      seen.wrongPassword = wrongPassword.status;
      expect(wrongPassword.body).toContain('Your account or password is incorrect');

      const done = await browser.submit(wrongPassword, p.verificationUri, { email: OPERATOR.username, password: OPERATOR.password });
      expect(done.status).toBe(200);
      expect(done.body).toContain('You’re signed in');
    });
    expect(seen).toEqual({ wrongCode: 400, wrongPassword: 401 });
    expect(result.account?.username).toBe(OPERATOR.username);
  });

  it('explains why approveDeviceCode refused, and a refused attempt does not spoil the code', async () => {
    const failures: string[] = [];
    const { result } = await deviceCodeSignIn(identity.newPca(), [ARM_SCOPE], async (p) => {
      for (const [code, user, password] of [
        ['BCDF-GHJK', OPERATOR.username, OPERATOR.password],
        [p.userCode, 'nobody@contoso.test', OPERATOR.password],
        [p.userCode, OPERATOR.username, 'wrong'],
      ] as const) {
        const error = await identity.server.approveDeviceCode(code, user, password).catch((e: unknown) => e as Error & { code: string });
        failures.push(`${error?.code}: ${error?.message}`);
      }
      await identity.server.approveDeviceCode(p.userCode, OPERATOR.username, OPERATOR.password);
    });
    expect(failures).toEqual([
      expect.stringMatching(/^InvalidUserCode: Code BCDF-GHJK: That code didn’t work/),
      expect.stringMatching(/^UnknownUser: nobody@contoso.test: We couldn’t find an account/),
      expect.stringMatching(/^WrongPassword: operator@contoso.test: Your account or password is incorrect/),
    ]);
    expect(result.account?.username).toBe(OPERATOR.username);
    await expect(identity.server.approveDeviceCode('BCDF-GHJK', OPERATOR.username, OPERATOR.password)).rejects.toMatchObject({ code: 'InvalidUserCode' });
  });

  it('refuses to approve a code twice', async () => {
    let userCode = '';
    await deviceCodeSignIn(identity.newPca(), [ARM_SCOPE], async (p) => {
      userCode = p.userCode;
      await identity.server.approveDeviceCode(p.userCode, OPERATOR.username, OPERATOR.password);
    });
    await expect(identity.server.approveDeviceCode(userCode, OPERATOR.username, OPERATOR.password)).rejects.toMatchObject({ code: 'UsedUserCode' });
  });
});
