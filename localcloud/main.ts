import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startArmServer } from './resource-manager/arm-server';
import { startAzurite, ensureStorageKeys } from './blob-storage/azurite-launcher';
import { createClock } from './clock';
import { runReceiveCommand } from './datacenter/receive-command';
import { startIdentityServer } from './identity/identity-server';
import { ensureCertificates } from './tls/certificates';
import { loadWorld, SEEDSHIP_CLIENT_ID } from './world';

/** Default ports: fixed so the app's signed-in session (bound to the authority's address) survives restarts. */
const DEFAULT_PORT_BASE = 47443;
const DEFAULT_DATA_DIR = join('.seedship-dev', 'localcloud');

const HELP = `Usage: localcloud start [--data-dir DIR] [--port-base N] [--watch-stdin]
       localcloud receive --job NAME --drive PATH[=SERIAL]... [--data-dir DIR] [--json]   (see receive --help)

Starts Seedship's local cloud: Azurite (blob), an OpenID Connect identity provider acting as Entra ID,
and Azure Resource Manager (Import/Export, Resources, Storage, Recovery Services, Graph) on 127.0.0.1.
Writes <data-dir>/profile.json for the app and prints each endpoint on its own line.

  --data-dir DIR   where the cloud keeps its state (default ./.seedship-dev/localcloud)
  --port-base N    ARM on N, identity on N+1, blob on N+2 (default ${DEFAULT_PORT_BASE}; 0 = any free ports)
  --watch-stdin    stop when standard input closes (the app's way to take it down with itself)`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  // The datacenter: a short-lived process that works on the running cloud through its admin API.
  if (command === 'receive') return runReceiveCommand(rest, DEFAULT_DATA_DIR);
  if (command !== 'start') {
    process.stdout.write(`${HELP}\n`);
    return command === undefined || command === '--help' ? 0 : 2;
  }
  const { values } = parseArgs({
    args: rest,
    options: { 'data-dir': { type: 'string' }, 'port-base': { type: 'string' }, 'watch-stdin': { type: 'boolean', default: false } },
    strict: true,
  });
  const dataDir = resolve(values['data-dir'] ?? DEFAULT_DATA_DIR);
  const base = values['port-base'] === undefined ? DEFAULT_PORT_BASE : Number(values['port-base']);
  if (!Number.isInteger(base) || base < 0 || base > 65533) throw new Error(`--port-base must be a port number, not "${values['port-base']}".`);
  const port = (offset: number) => (base === 0 ? 0 : base + offset);

  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const tls = ensureCertificates(dataDir);
  const world = loadWorld(dataDir);
  const clock = createClock(dataDir);
  const adminKeyPath = join(dataDir, 'admin-key');
  const adminKey = ensureSecretFile(adminKeyPath);

  // Azurite and the identity provider start side by side: together they are most of the start-up time.
  const [azurite, identity] = await Promise.all([
    startAzurite({ dataDir, accounts: ensureStorageKeys(dataDir, world.storageAccounts.map((a) => a.name)), blobPort: port(2) }),
    startIdentityServer({ port: port(1), tls: { cert: tls.serverCertPem, key: tls.serverKeyPem }, world, dataDir }),
  ]);
  const arm = await startArmServer({
    port: port(0),
    tls: { cert: tls.serverCertPem, key: tls.serverKeyPem },
    world,
    clock,
    dataDir,
    adminKey,
    verifyAccessToken: (token, audiences) => identity.verifyAccessToken(token, audiences),
    approveDeviceCode: (code, user, password) => identity.approveDeviceCode(code, user, password),
    azurite,
  });

  const profile = {
    name: 'local',
    tenantId: world.tenantId,
    clientId: world.publicClients[0]?.clientId ?? SEEDSHIP_CLIENT_ID,
    authority: identity.authority,
    armEndpoint: arm.url,
    armAudience: 'https://management.azure.com/',
    graphEndpoint: `${arm.url}/graph`,
    graphAudience: 'https://graph.microsoft.com/',
    blobEndpointTemplate: `http://127.0.0.1:${azurite.blobPort}/{account}`,
    adminEndpoint: `${arm.url}/admin`,
    caCertificatePath: tls.caCertPath,
    adminKeyPath,
    subscriptionId: world.subscriptions[0]?.subscriptionId ?? null,
    pid: process.pid,
  };
  const profilePath = join(dataDir, 'profile.json');
  writeFileSync(`${profilePath}.tmp`, `${JSON.stringify(profile, null, 2)}\n`);
  renameSync(`${profilePath}.tmp`, profilePath);

  const lines = [
    ['identity', identity.authority],
    ['arm', arm.url],
    ['graph', profile.graphEndpoint],
    ['blob', profile.blobEndpointTemplate],
    ['admin', profile.adminEndpoint],
    ['ca', tls.caCertPath],
    ['profile', profilePath],
    ['users', world.users.map((u) => u.username).join(', ')],
  ];
  process.stdout.write(`${lines.map(([k, v]) => `${(k ?? '').padEnd(9)}${v}`).join('\n')}\nLocal cloud is ready.\n`);

  return new Promise((done) => {
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      void Promise.allSettled([arm.close(), identity.close(), azurite.stop()]).then(() => {
        process.stderr.write('Local cloud stopped.\n');
        done(0);
      });
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (values['watch-stdin']) {
      process.stdin.resume();
      process.stdin.once('end', stop);
      process.stdin.once('close', stop);
    }
  });
}

/** A random secret kept in a file only this user can read (the admin key of the rehearsal API). */
function ensureSecretFile(path: string): string {
  if (!existsSync(path)) writeFileSync(path, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
  return readFileSync(path, 'utf8').trim();
}

// Exit explicitly once stopped: a watched stdin or an idle keep-alive socket would otherwise hold the process.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`localcloud: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
