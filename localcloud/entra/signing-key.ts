import type { webcrypto } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';

export interface SigningKey {
  kid: string;
  privateKey: webcrypto.CryptoKey;
  publicKey: webcrypto.CryptoKey;
  publicJwk: JWK;
}

/** The RS256 key that signs every token, created at first start and kept (mode 0600) so restarts keep sessions valid. */
export async function loadSigningKey(dir: string): Promise<SigningKey> {
  const file = join(dir, 'signing-key.json');
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const { privateKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
    const jwk = await exportJWK(privateKey);
    jwk.kid = `lc-${Date.now().toString(36)}`;
    writeFileSync(file, JSON.stringify(jwk), { mode: 0o600 });
  }
  const jwk = JSON.parse(readFileSync(file, 'utf8')) as JWK;
  const privateKey = (await importJWK(jwk, 'RS256')) as webcrypto.CryptoKey;
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = jwk;
  const publicKey = (await importJWK(publicJwk, 'RS256')) as webcrypto.CryptoKey;
  return { kid: jwk.kid as string, privateKey, publicKey, publicJwk: { ...publicJwk, use: 'sig', alg: 'RS256' } };
}
