import { CryptoProvider } from '@azure/msal-node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CookieBrowser } from './test-support/cookie-browser';
import { ARM_SCOPE, createPca, deviceCodeSignIn, GRAPH_SCOPE, OPERATOR, startTestIdentity, type TestIdentity } from './test-support/test-identity';

let identity: TestIdentity | undefined;

afterEach(async () => {
  vi.restoreAllMocks();
  await identity?.cleanup();
});

/** Everything written to stdout, stderr or the console while `run` runs. */
async function captureOutput(run: () => Promise<void>): Promise<string> {
  const out: string[] = [];
  const keep = (...args: unknown[]) => {
    out.push(args.map(String).join(' '));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(keep);
  vi.spyOn(process.stderr, 'write').mockImplementation(keep);
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) vi.spyOn(console, method).mockImplementation(keep);
  await run();
  vi.restoreAllMocks();
  return out.join('\n');
}

describe('logging', () => {
  it('writes no tokens, codes, passwords and no oidc-provider notices through a full session', async () => {
    const secrets: string[] = [OPERATOR.password, 'Wrong-Password-9'];
    const output = await captureOutput(async () => {
      identity = await startTestIdentity();
      const id = identity;
      const browser = new CookieBrowser(id.tls.caCertPem);
      const pca = id.newPca();

      const { result } = await deviceCodeSignIn(pca, [ARM_SCOPE], async (prompt) => {
        secrets.push(prompt.userCode);
        const codePage = await browser.open(prompt.verificationUri);
        const login = await browser.submit(codePage, prompt.verificationUri, { user_code: prompt.userCode });
        const refused = await browser.submit(login, prompt.verificationUri, { email: OPERATOR.username, password: 'Wrong-Password-9' });
        await browser.submit(refused, prompt.verificationUri, { email: OPERATOR.username, password: OPERATOR.password });
      });
      secrets.push(result.accessToken, result.idToken);
      const graph = await pca.acquireTokenSilent({ account: result.account ?? never(), scopes: [GRAPH_SCOPE] });
      secrets.push(graph.accessToken);
      const cache = JSON.parse(pca.getTokenCache().serialize()) as { RefreshToken: Record<string, { secret: string }> };
      secrets.push(...Object.values(cache.RefreshToken).map((rt) => rt.secret));

      const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
      const redirectUri = 'http://localhost:8400/';
      const url = await pca.getAuthCodeUrl({ scopes: [ARM_SCOPE], redirectUri, codeChallenge: challenge, codeChallengeMethod: 'S256', prompt: 'login' });
      const login = await browser.open(url);
      const resumed = await browser.submit(login, url, { email: OPERATOR.username, password: OPERATOR.password });
      const back = await browser.open(new URL(resumed.location ?? '', url).href);
      const code = new URL(back.location ?? '').searchParams.get('code') ?? '';
      secrets.push(code);
      secrets.push((await pca.acquireTokenByCode({ code, redirectUri, codeVerifier: verifier, scopes: [ARM_SCOPE] })).accessToken);

      await createPca(id.server, id.tls.caCertPem, '11111111-2222-3333-4444-555555555555')
        .getAuthCodeUrl({ scopes: [ARM_SCOPE], redirectUri, codeChallenge: challenge, codeChallengeMethod: 'S256' })
        .then((u) => browser.open(u));
      await id.server.approveDeviceCode('BCDF-GHJK', OPERATOR.username, OPERATOR.password).catch(() => undefined);
    });

    expect(secrets.filter((s) => s.length < 6)).toEqual([]); // the check below must be meaningful
    for (const secret of secrets) expect(output).not.toContain(secret);
    expect(output).not.toMatch(/oidc-provider|devInteractions|NOTICE/);
  });
});

function never(): never {
  throw new Error('missing account');
}
