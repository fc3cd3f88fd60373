import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importJWK, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateKeys, type IdentityKeys } from './key-store';
import { createAccessTokenVerifier } from './token-verifier';

const ISSUER = 'https://127.0.0.1:1/c0ffee00-5eed-4a11-b00c-000000000001/v2.0';
const ARM = 'https://management.azure.com/';

let dir: string;
let keys: IdentityKeys;
let otherKeys: IdentityKeys;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'seedship-identity-keys-'));
  keys = await loadOrCreateKeys(join(dir, 'a'));
  otherKeys = await loadOrCreateKeys(join(dir, 'b'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function token(signWith: JWK, claims: { iss?: string; aud?: string; expiresIn?: number }): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ oid: 'someone' })
    .setProtectedHeader({ alg: 'RS256', kid: String(signWith.kid), typ: 'JWT' })
    .setIssuer(claims.iss ?? ISSUER)
    .setAudience(claims.aud ?? ARM)
    .setIssuedAt(now - 7200)
    .setExpirationTime(now + (claims.expiresIn ?? 600))
    .sign(await importJWK(signWith, 'RS256'));
}

describe('access token verification', () => {
  const verify = (t: string) => createAccessTokenVerifier(ISSUER, keys.publicKeys)(t, [ARM, 'https://graph.microsoft.com/']);
  const own = () => keys.signingKeys[0] as JWK;

  it('returns the claims of a valid token', async () => {
    await expect(verify(await token(own(), {}))).resolves.toMatchObject({ oid: 'someone', aud: ARM });
  });

  it('tells an expired token from an invalid one', async () => {
    await expect(verify(await token(own(), { expiresIn: -5 }))).rejects.toMatchObject({ code: 'ExpiredAuthenticationToken' });
  });

  it('rejects foreign signatures, issuers and garbage as InvalidAuthenticationToken', async () => {
    await expect(verify(await token(otherKeys.signingKeys[0] as JWK, {}))).rejects.toMatchObject({ code: 'InvalidAuthenticationToken' });
    await expect(verify(await token(own(), { iss: 'https://login.microsoftonline.com/x/v2.0' }))).rejects.toMatchObject({ code: 'InvalidAuthenticationToken' });
    await expect(verify('not.a.token')).rejects.toMatchObject({ code: 'InvalidAuthenticationToken' });
  });

  it('rejects a token for another audience as InvalidAudience', async () => {
    await expect(verify(await token(own(), { aud: 'https://vault.azure.net' }))).rejects.toMatchObject({ code: 'InvalidAudience' });
  });

  it('publishes no private key material', () => {
    expect(keys.publicKeys[0]).toEqual({ kty: 'RSA', n: expect.any(String), e: 'AQAB', kid: own().kid, alg: 'RS256', use: 'sig' });
  });

  it('keeps the same keys across loads', async () => {
    const again = await loadOrCreateKeys(join(dir, 'a'));
    expect(again.signingKeys).toEqual(keys.signingKeys);
    expect(again.cookieKeys).toEqual(keys.cookieKeys);
  });
});
