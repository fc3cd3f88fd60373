import { createCipheriv, createDecipheriv, createHmac, randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCallback) as (password: string, salt: Buffer, keylen: number, options: { N: number; r: number; p: number; maxmem: number }) => Promise<Buffer>;

/** KDF settings, stored beside each repository so they can be raised later without breaking old ones. */
export interface KdfParams {
  algorithm: 'scrypt';
  /** CPU/memory cost (a power of two). 2^17 with r = 8 costs 128 MiB and about 0.3 s here: slow to guess. */
  N: number;
  r: number;
  p: number;
  salt: string;
}

export const DEFAULT_KDF: Omit<KdfParams, 'salt'> = { algorithm: 'scrypt', N: 2 ** 17, r: 8, p: 1 };

export interface RepositoryKeys {
  /** Encrypts and authenticates chunk contents (AES-256-GCM). */
  encryption: Buffer;
  /** Names chunks (HMAC-SHA256): the id reveals nothing about the content without the passphrase. */
  identity: Buffer;
}

export function newKdfParams(): KdfParams {
  return { ...DEFAULT_KDF, salt: randomBytes(32).toString('base64') };
}

/** Derives the repository's keys from the operator's passphrase (slow on purpose). */
export async function deriveKeys(passphrase: string, params: KdfParams): Promise<RepositoryKeys> {
  const material = await scrypt(passphrase.normalize('NFC'), Buffer.from(params.salt, 'base64'), 64, {
    N: params.N,
    r: params.r,
    p: params.p,
    maxmem: 256 * params.N * params.r,
  });
  return { encryption: material.subarray(0, 32), identity: material.subarray(32, 64) };
}

/** The chunk's name: a keyed hash of its plaintext, so identical data deduplicates and nothing leaks. */
export function chunkId(keys: RepositoryKeys, plaintext: Uint8Array): string {
  return createHmac('sha256', keys.identity).update(plaintext).digest('hex');
}

/** Fresh random repository keys: a repository made since format 2 keeps them wrapped (`wrapKeys`). */
export function randomKeys(): RepositoryKeys {
  const material = randomBytes(64);
  return { encryption: material.subarray(0, 32), identity: material.subarray(32, 64) };
}

const WRAP_AAD = Buffer.from('seedship repository keys v2');

/**
 * Seals the repository keys under a key derived from the passphrase (the `encryption` half of
 * `deriveKeys`). Random keys, wrapped, let a new backup start at once while the slow KDF runs
 * beside it, and would let the passphrase change without re-encrypting anything.
 */
export function wrapKeys(wrapping: RepositoryKeys, keys: RepositoryKeys): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', wrapping.encryption, nonce);
  cipher.setAAD(WRAP_AAD);
  const body = Buffer.concat([cipher.update(Buffer.concat([keys.encryption, keys.identity])), cipher.final()]);
  return Buffer.concat([nonce, cipher.getAuthTag(), body]).toString('base64');
}

/** The keys `wrapKeys` sealed, or null when the passphrase (or the stored value) is wrong. */
export function unwrapKeys(wrapping: RepositoryKeys, wrapped: string): RepositoryKeys | null {
  const data = Buffer.from(wrapped, 'base64');
  if (data.length !== 12 + 16 + 64) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', wrapping.encryption, data.subarray(0, 12));
    decipher.setAAD(WRAP_AAD);
    decipher.setAuthTag(data.subarray(12, 28));
    const material = Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]);
    return { encryption: material.subarray(0, 32), identity: material.subarray(32, 64) };
  } catch {
    return null;
  }
}

const VERSION = 1;
const HEADER = 1 + 12 + 16;

let nonces = Buffer.alloc(0);
let nonceOffset = 0;

/**
 * A random 96-bit GCM nonce. They are drawn from the CSPRNG 1024 at a time: the same randomness as
 * one call each, without a system call per small chunk (30 000 small files cost 0.6 s that way).
 */
function freshNonce(): Buffer {
  if (nonceOffset + 12 > nonces.length) {
    nonces = randomBytes(12 * 1024);
    nonceOffset = 0;
  }
  const nonce = nonces.subarray(nonceOffset, nonceOffset + 12);
  nonceOffset += 12;
  return nonce;
}

/** The error every failed opening gives: a wrong passphrase and damaged data look the same to GCM. */
export class ChunkAuthenticationError extends Error {
  constructor(what: string) {
    super(`${what} could not be decrypted: the passphrase is wrong or the data is damaged.`);
    this.name = 'ChunkAuthenticationError';
  }
}

/**
 * Encrypts one chunk with AES-256-GCM under a fresh random nonce. The chunk id is bound in as
 * associated data, so a chunk swapped for another in storage fails to open.
 */
export function sealChunk(keys: RepositoryKeys, id: string, plaintext: Uint8Array): Buffer {
  return Buffer.concat(sealChunkParts(keys, id, [plaintext]));
}

/**
 * The same sealed bytes as `sealChunk`, as pieces to write one after another: the plaintext may come
 * in parts and nothing is copied into one buffer (on big chunks those copies cost as much as the
 * encryption).
 */
export function sealChunkParts(keys: RepositoryKeys, id: string, plaintext: readonly Uint8Array[]): Buffer[] {
  const nonce = freshNonce();
  const cipher = createCipheriv('aes-256-gcm', keys.encryption, nonce);
  cipher.setAAD(Buffer.from(id, 'utf8'));
  const body = plaintext.map((part) => cipher.update(part));
  const last = cipher.final();
  if (last.length > 0) body.push(last);
  return [Buffer.concat([Buffer.from([VERSION]), nonce, cipher.getAuthTag()]), ...body];
}

export function openChunk(keys: RepositoryKeys, id: string, sealed: Uint8Array): Buffer {
  if (sealed.length < HEADER || sealed[0] !== VERSION) throw new ChunkAuthenticationError(`Chunk ${id.slice(0, 12)}`);
  const data = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  try {
    const decipher = createDecipheriv('aes-256-gcm', keys.encryption, data.subarray(1, 13));
    decipher.setAAD(Buffer.from(id, 'utf8'));
    decipher.setAuthTag(data.subarray(13, HEADER));
    return Buffer.concat([decipher.update(data.subarray(HEADER)), decipher.final()]);
  } catch {
    throw new ChunkAuthenticationError(`Chunk ${id.slice(0, 12)}`);
  }
}

/** A value stored with the repository that proves a passphrase right before any restore starts. */
export function keyCheck(keys: RepositoryKeys): string {
  return createHmac('sha256', keys.identity).update('seedship key check v1').digest('base64');
}

export function passphraseMatches(keys: RepositoryKeys, stored: string): boolean {
  const a = Buffer.from(keyCheck(keys));
  const b = Buffer.from(stored);
  return a.length === b.length && timingSafeEqual(a, b);
}
