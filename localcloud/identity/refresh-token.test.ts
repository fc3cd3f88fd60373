import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { PublicClientApplication } from '@azure/msal-node';
import { afterEach, describe, expect, it } from 'vitest';
import { ARM_SCOPE, deviceCodeSignIn, GRAPH_SCOPE, OPERATOR, startTestIdentity, type TestIdentity } from './test-support/test-identity';

const ARM = 'https://management.azure.com/';
const GRAPH = 'https://graph.microsoft.com/';

let identity: TestIdentity | undefined;

afterEach(async () => {
  await identity?.cleanup();
  identity = undefined;
});

async function signIn(id: TestIdentity, pca: PublicClientApplication) {
  const { result } = await deviceCodeSignIn(pca, [ARM_SCOPE], (p) => id.server.approveDeviceCode(p.userCode, OPERATOR.username, OPERATOR.password));
  if (!result.account) throw new Error('no account');
  return { account: result.account, accessToken: result.accessToken };
}

function cachedRefreshTokens(pca: PublicClientApplication): number {
  const cache = JSON.parse(pca.getTokenCache().serialize()) as { RefreshToken?: Record<string, unknown> };
  return Object.keys(cache.RefreshToken ?? {}).length;
}

describe('refresh tokens', () => {
  it('come with every sign-in and get a Graph token after an ARM-scoped sign-in', async () => {
    identity = await startTestIdentity();
    const pca = identity.newPca();
    const { account, accessToken } = await signIn(identity, pca);
    expect(cachedRefreshTokens(pca)).toBe(1);

    const graph = await pca.acquireTokenSilent({ account, scopes: [GRAPH_SCOPE] });
    expect(graph.accessToken).not.toBe(accessToken);
    await expect(identity.server.verifyAccessToken(graph.accessToken, [GRAPH])).resolves.toMatchObject({
      aud: GRAPH,
      oid: OPERATOR.objectId,
      scp: 'User.Read Application.ReadWrite.All',
    });
    await expect(identity.server.verifyAccessToken(graph.accessToken, [ARM])).rejects.toMatchObject({ code: 'InvalidAudience' });
    // Back to ARM: msal's cache still has the first token.
    expect((await pca.acquireTokenSilent({ account, scopes: [ARM_SCOPE] })).accessToken).toBe(accessToken);
  });

  it('renew an access token that has expired', async () => {
    identity = await startTestIdentity({ accessTokenTtlSeconds: 1 });
    const pca = identity.newPca();
    const { account, accessToken } = await signIn(identity, pca);
    const server = identity.server;
    // Wait (in real time) until the server itself calls the token expired.
    await expect
      .poll(() => server.verifyAccessToken(accessToken, [ARM]).then(() => 'valid', (e: { code?: string }) => e.code), { timeout: 10_000, interval: 200 })
      .toBe('ExpiredAuthenticationToken');

    const renewed = await pca.acquireTokenSilent({ account, scopes: [ARM_SCOPE] });
    expect(renewed.accessToken).not.toBe(accessToken);
    await expect(server.verifyAccessToken(renewed.accessToken, [ARM])).resolves.toMatchObject({ oid: OPERATOR.objectId });
  });

  it('stay valid across a restart: keys and grants persist in <dataDir>/identity, secrets mode 0600', async () => {
    identity = await startTestIdentity();
    const pca = identity.newPca();
    const { account, accessToken } = await signIn(identity, pca);
    const port = identity.server.port;

    await identity.restart();
    expect(identity.server.port).toBe(port);
    await expect(identity.server.verifyAccessToken(accessToken, [ARM])).resolves.toMatchObject({ oid: OPERATOR.objectId });
    const refreshed = await pca.acquireTokenSilent({ account, scopes: [ARM_SCOPE], forceRefresh: true });
    expect(refreshed.accessToken).not.toBe(accessToken);
    await expect(identity.server.verifyAccessToken(refreshed.accessToken, [ARM])).resolves.toMatchObject({ oid: OPERATOR.objectId });

    const mode = (file: string) => statSync(join(identity?.dataDir ?? '', 'identity', file)).mode & 0o777;
    expect({ keys: mode('signing-keys.json'), cookies: mode('cookie-keys.json'), state: mode('state.db'), dir: mode('.') }).toEqual({
      keys: 0o600,
      cookies: 0o600,
      state: 0o600,
      dir: 0o700,
    });
  });
});
