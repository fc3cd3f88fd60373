import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { SeedshipError } from '../../../shared/api/errors';
import { passphraseProblem } from '../../../shared/backup/passphrase-policy';
import { DEFAULT_CHUNKER } from '../../workers/backup/chunker';
import { deriveKeys, keyCheck, newKdfParams, passphraseMatches, randomKeys, unwrapKeys, wrapKeys, type RepositoryKeys } from '../../workers/backup/chunk-crypto';

/** The repository lives in this folder of the staging location; the rest of staging stays the operator's. */
export const REPOSITORY_FOLDER = 'seedship-repository';

const ConfigSchema = z.object({
  format: z.literal('seedship-repository'),
  // 1: keys derived from the passphrase; 2: random keys, wrapped by the passphrase's (`wrappedKeys`).
  version: z.union([z.literal(1), z.literal(2)]),
  id: z.string().uuid(),
  createdAt: z.string(),
  kdf: z.object({ algorithm: z.literal('scrypt'), N: z.number().int(), r: z.number().int(), p: z.number().int(), salt: z.string() }),
  keyCheck: z.string(),
  wrappedKeys: z.string().optional(),
  chunker: z.object({ minSize: z.number().int(), avgSize: z.number().int(), maxSize: z.number().int() }),
});
export type RepositoryConfig = z.infer<typeof ConfigSchema>;

export interface OpenRepository {
  dir: string;
  config: RepositoryConfig;
  keys: RepositoryKeys;
  /**
   * For a repository being created: settles once config.json (with the wrapped keys) is durable.
   * Until then nothing may become visible in staging that needs the keys (packs stay temporary).
   */
  saved?: Promise<void>;
}

export function repositoryDir(stagingPath: string): string {
  return join(stagingPath, REPOSITORY_FOLDER);
}

/**
 * Creates the encrypted repository in a staging folder. The config holds only what opening needs
 * (KDF salt and cost, the wrapped keys, a key check): no file names, no sizes, nothing about the data.
 * Resolves once config.json is on disk.
 */
export async function initRepository(stagingPath: string, passphrase: string): Promise<OpenRepository> {
  const repo = await beginRepository(stagingPath, passphrase);
  await repo.saved;
  return repo;
}

/**
 * `initRepository` that returns at once with the (random) keys, while the slow KDF that wraps them
 * runs beside the first backup; `saved` settles when config.json is durable. A crash before that
 * leaves only temporary packs, swept by the next run.
 */
export async function beginRepository(stagingPath: string, passphrase: string): Promise<OpenRepository> {
  const problem = passphraseProblem(passphrase);
  if (problem) throw new SeedshipError('VALIDATION', problem, 'passphrase');
  const dir = repositoryDir(stagingPath);
  if (existsSync(join(dir, 'config.json'))) {
    throw new SeedshipError('CONFLICT', `${stagingPath} already holds a Seedship repository: open it with its passphrase instead.`, 'stagingPath');
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const kdf = newKdfParams();
  const keys = randomKeys();
  const config: RepositoryConfig = {
    format: 'seedship-repository',
    version: 2,
    id: randomUUID(),
    createdAt: new Date().toISOString(),
    kdf,
    keyCheck: keyCheck(keys),
    chunker: DEFAULT_CHUNKER,
  };
  const saved = (async () => {
    config.wrappedKeys = wrapKeys(await deriveKeys(passphrase, kdf), keys);
    await writeFileAtomic(join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  })();
  // Awaited by whoever uses the repository; this only keeps an early failure from going unhandled.
  saved.catch(() => undefined);
  return { dir, config, keys, saved };
}

/** Somewhere to remember unlocked keys so the slow KDF runs once (see key-cache.ts). */
export interface UnlockedKeyCache {
  get(config: RepositoryConfig, passphrase: string): RepositoryKeys | null;
  put(config: RepositoryConfig, passphrase: string, keys: RepositoryKeys): void;
}

/** Opens a repository: a clear error for a folder that isn't one, and for a wrong passphrase. */
export async function openRepository(stagingPath: string, passphrase: string, cache?: UnlockedKeyCache): Promise<OpenRepository> {
  const dir = repositoryDir(stagingPath);
  const text = await readFile(join(dir, 'config.json'), 'utf8').catch(() => null);
  if (text === null) throw new SeedshipError('NOT_FOUND', `${stagingPath} holds no Seedship backup (no ${REPOSITORY_FOLDER}/config.json).`, 'stagingPath');
  let config: RepositoryConfig;
  try {
    config = ConfigSchema.parse(JSON.parse(text));
    // Format 2 keeps the keys only wrapped: without them nothing in staging can be opened.
    if (config.version === 2 && !config.wrappedKeys) throw new Error('no wrapped keys');
  } catch {
    throw new SeedshipError('VALIDATION', `${join(dir, 'config.json')} is damaged or from a newer Seedship.`, 'stagingPath');
  }
  const cached = cache?.get(config, passphrase);
  if (cached) return { dir, config, keys: cached };
  const derived = await deriveKeys(passphrase, config.kdf);
  const keys = config.version === 1 ? derived : unwrapKeys(derived, config.wrappedKeys as string);
  if (!keys || !passphraseMatches(keys, config.keyCheck)) {
    throw new SeedshipError('VALIDATION', 'That passphrase does not open this backup. It is the one chosen when the backup was set up; without it nobody can restore.', 'passphrase');
  }
  cache?.put(config, passphrase, keys);
  return { dir, config, keys };
}

/** Temporary name, fsync, rename: a reader sees the old file or the whole new one, never half. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temp = `${path}.tmp-${randomBytes(6).toString('hex')}`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
}
