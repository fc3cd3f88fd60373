import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { calculateJwkThumbprint, type JWK } from 'jose';

/** The identity provider's secrets: token signing keys and the keys that sign its cookies. */
export interface IdentityKeys {
  /** Private JWKs (RS256) for oidc-provider. */
  signingKeys: JWK[];
  /** The same keys without their private parts: what verifiers and the jwks_uri publish. */
  publicKeys: JWK[];
  cookieKeys: string[];
}

const PUBLIC_MEMBERS = ['kty', 'n', 'e', 'kid', 'alg', 'use'] as const;

/**
 * Loads the keys from `dir`, creating them at first start, so a restart keeps issued tokens valid.
 * Files are mode 0600: they are what a token forger would need.
 */
export async function loadOrCreateKeys(dir: string): Promise<IdentityKeys> {
  const signingPath = join(dir, 'signing-keys.json');
  const cookiePath = join(dir, 'cookie-keys.json');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!existsSync(signingPath)) writeSecret(signingPath, JSON.stringify({ keys: [await newSigningKey()] }));
  if (!existsSync(cookiePath)) writeSecret(cookiePath, JSON.stringify([randomBytes(32).toString('base64url')]));
  for (const path of [signingPath, cookiePath]) chmodSync(path, 0o600);

  const signingKeys = (JSON.parse(readFileSync(signingPath, 'utf8')) as { keys: JWK[] }).keys;
  const cookieKeys = JSON.parse(readFileSync(cookiePath, 'utf8')) as string[];
  if (!Array.isArray(signingKeys) || signingKeys.length === 0) throw new Error(`${signingPath} holds no signing key.`);
  const publicKeys = signingKeys.map((key) => Object.fromEntries(PUBLIC_MEMBERS.filter((m) => key[m] !== undefined).map((m) => [m, key[m]])) as JWK);
  return { signingKeys, publicKeys, cookieKeys };
}

async function newSigningKey(): Promise<JWK> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' }) as JWK;
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: 'RS256', use: 'sig' };
}

function writeSecret(path: string, text: string): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, text, { mode: 0o600 });
  renameSync(temp, path);
}
