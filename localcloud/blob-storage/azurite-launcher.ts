import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, connect } from 'node:net';
import { dirname, join } from 'node:path';

export interface StorageAccountKey {
  name: string;
  key: string;
}

export interface RunningAzurite {
  blobPort: number;
  /** Path-style endpoint of one account, as Azurite serves it: http://127.0.0.1:<port>/<account>. */
  blobEndpoint(account: string): string;
  accountKey(account: string): string;
  stop(): Promise<void>;
}

/** One random 64-byte key per storage account, generated once and kept in `<dataDir>/storage-keys.json`. */
export function ensureStorageKeys(dataDir: string, accounts: readonly string[]): StorageAccountKey[] {
  const file = join(dataDir, 'storage-keys.json');
  const known = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
  let changed = false;
  for (const name of accounts) {
    if (!known[name]) {
      known[name] = randomBytes(64).toString('base64');
      changed = true;
    }
  }
  if (changed) {
    writeFileSync(`${file}.tmp`, JSON.stringify(known, null, 2), { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  }
  return accounts.map((name) => ({ name, key: known[name] as string }));
}

/**
 * Azurite can't watch its parent, so it runs under this small guardian that stops it when our pipe to
 * the guardian closes: even if the local cloud is killed outright, no Azurite is left behind.
 */
const GUARDIAN = `
const { spawn } = require('node:child_process');
const [main, ...args] = process.argv.slice(1);
const child = spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
const stop = () => child.kill('SIGTERM');
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
child.on('exit', (code) => process.exit(code === null ? 0 : code));
`;

/** A free TCP port on 127.0.0.1 (Azurite has no "port 0" of its own to report back). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function waitForPort(port: number, deadline: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`Azurite did not listen on ${port} in time.`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

/**
 * Runs Azurite's blob service as a child process on 127.0.0.1 with the given accounts (AZURITE_ACCOUNTS),
 * persistent data in `<dataDir>/azurite`, telemetry off. The child is killed when we stop or exit.
 */
export async function startAzurite(options: { dataDir: string; accounts: StorageAccountKey[]; blobPort?: number }): Promise<RunningAzurite> {
  const port = options.blobPort && options.blobPort > 0 ? options.blobPort : await freePort();
  const location = join(options.dataDir, 'azurite');
  mkdirSync(location, { recursive: true });
  const require = createRequire(import.meta.url);
  const main = join(dirname(require.resolve('azurite/package.json')), 'dist', 'src', 'blob', 'main.js');
  const child = spawn(
    process.execPath,
    ['-e', GUARDIAN, main, '--blobHost', '127.0.0.1', '--blobPort', String(port), '--location', location, '--disableTelemetry', '--skipApiVersionCheck', '--loose', '--silent', '--disableProductStyleUrl'],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, AZURITE_ACCOUNTS: options.accounts.map((a) => `${a.name}:${a.key}`).join(';') },
    },
  );
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output = `${output}${d.toString()}`.slice(-2000)));
  child.stderr.on('data', (d: Buffer) => (output = `${output}${d.toString()}`.slice(-2000)));
  const killChild = () => child.kill('SIGTERM');
  process.once('exit', killChild);
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`Azurite exited (${code}): ${output.trim()}`))));
  await Promise.race([waitForPort(port, Date.now() + 20_000), exited]);
  exited.catch(() => undefined);
  const keys = new Map(options.accounts.map((a) => [a.name, a.key]));
  return {
    blobPort: port,
    blobEndpoint: (account) => `http://127.0.0.1:${port}/${account}`,
    accountKey: (account) => {
      const key = keys.get(account);
      if (!key) throw new Error(`No storage account named ${account} in the local cloud.`);
      return key;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        process.removeListener('exit', killChild);
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
