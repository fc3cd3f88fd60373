// Local cloud benchmark: cold and warm start time, and the median latency of job create/get through
// the real Azure SDK client, beside a peer measured in the same run: a bare Node HTTPS server with the
// same certificate (the floor any HTTPS API on this machine can reach).
import { spawn } from 'node:child_process';
import { createServer, request } from 'node:https';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StorageImportExport } from '@azure/arm-storageimportexport';
import { PublicClientApplication, ProtocolMode } from '@azure/msal-node';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ENTRY = join(ROOT, 'dist', 'localcloud.mjs');
const N = Number(process.env.BENCH_CALLS ?? 60);

function startCloud(dataDir) {
  const started = performance.now();
  const child = spawn(process.execPath, [ENTRY, 'start', '--data-dir', dataDir, '--port-base', '0', '--watch-stdin'], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('Local cloud is ready.')) resolve({ child, ms: performance.now() - started, profile: JSON.parse(readFileSync(join(dataDir, 'profile.json'), 'utf8')) });
    });
    child.once('exit', (code) => reject(new Error(`local cloud exited ${code}: ${out}`)));
  });
}

function stop(child) {
  return new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

function admin(profile, path, body) {
  const key = readFileSync(profile.adminKeyPath, 'utf8').trim();
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(`${profile.adminEndpoint}${path}`, { method: 'POST', ca: readFileSync(profile.caCertificatePath), headers: { 'x-localcloud-admin-key': key, 'Content-Type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

async function signIn(profile) {
  const ca = readFileSync(profile.caCertificatePath, 'utf8');
  const send = (method) => (url, options = {}) =>
    new Promise((resolve, reject) => {
      const req = request(url, { method, ca, headers: options.headers }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: JSON.parse(text || '{}') }));
      });
      req.on('error', reject);
      req.end(options.body);
    });
  const pca = new PublicClientApplication({
    auth: { clientId: profile.clientId, authority: profile.authority, knownAuthorities: [new URL(profile.authority).host] },
    system: { protocolMode: ProtocolMode.OIDC, networkClient: { sendGetRequestAsync: send('GET'), sendPostRequestAsync: send('POST') } },
  });
  const result = await pca.acquireTokenByDeviceCode({
    scopes: ['https://management.azure.com/.default'],
    deviceCodeCallback: (r) => void admin(profile, '/device-codes/approve', { userCode: r.userCode, username: 'operator@contoso.test', password: 'Rehearse-Seedship-1' }).then((s) => process.env.BENCH_DEBUG && console.log('approve', s)),
  });
  return result.accessToken;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function peerLatency(profile) {
  const server = createServer({ cert: readFileSync(join(profile.caCertificatePath, '..', 'server.pem')), key: readFileSync(join(profile.caCertificatePath, '..', 'server-key.pem')) }, (req, res) => {
    req.resume();
    req.on('end', () => res.end(JSON.stringify({ id: 'x', name: 'x', properties: { state: 'Creating' } })));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `https://127.0.0.1:${server.address().port}/`;
  const ca = readFileSync(profile.caCertificatePath);
  const { Agent } = await import('node:https');
  const agent = new Agent({ keepAlive: true, ca });
  const times = [];
  for (let i = 0; i < N; i += 1) {
    const t = performance.now();
    await new Promise((resolve, reject) => request(url, { agent }, (res) => res.resume().on('end', resolve)).on('error', reject).end());
    times.push(performance.now() - t);
  }
  server.close();
  agent.destroy();
  return median(times);
}

const dataDir = mkdtempSync(join(tmpdir(), 'seedship-bench-cloud-'));
try {
  const cold = await startCloud(dataDir);
  await stop(cold.child);
  const warm = await startCloud(dataDir);
  const { profile } = warm;
  if (process.env.BENCH_DEBUG) console.log('started', cold.ms, warm.ms);
  const token = await signIn(profile);
  const credential = { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) };
  const client = new StorageImportExport(credential, profile.subscriptionId, {
    endpoint: profile.armEndpoint,
    credentialScopes: ['https://management.azure.com/.default'],
    tlsOptions: { ca: readFileSync(profile.caCertificatePath, 'utf8') },
  });
  const storageAccountId = `/subscriptions/${profile.subscriptionId}/resourceGroups/seedship-rg/providers/Microsoft.Storage/storageAccounts/contosobackup`;
  const creates = [];
  const gets = [];
  for (let i = 0; i < N; i += 1) {
    const name = `bench-job-${i}`;
    let t = performance.now();
    await client.jobs.create(name, 'seedship-rg', { location: 'westus2', properties: { storageAccountId, jobType: 'Import', driveList: [{ driveId: `BENCH${i}`, bitLockerKey: '238810-662376-448998-450120-652806-203390-606320-483076', manifestFile: '\\DriveManifest.xml', manifestHash: 'A1B2C3D4E5F60718293A4B5C6D7E8F90' }] } });
    creates.push(performance.now() - t);
    t = performance.now();
    await client.jobs.get(name, 'seedship-rg');
    gets.push(performance.now() - t);
  }
  const floor = await peerLatency(profile);
  await stop(warm.child);
  const rows = [
    ['cold start (first run: certificates, keys)', cold.ms, 3000],
    ['warm start', warm.ms, 3000],
    [`job create, median of ${N}`, median(creates), 20],
    [`job get, median of ${N}`, median(gets), 20],
  ];
  console.log('local cloud benchmark');
  for (const [what, ms, target] of rows) console.log(`  ${what.padEnd(44)} ${ms.toFixed(1).padStart(8)} ms   target ${target} ms   ratio to target ${(ms / target).toFixed(2)}`);
  console.log(`  peer: bare Node HTTPS round trip, median      ${floor.toFixed(2).padStart(8)} ms   job get / peer = ${(median(gets) / floor).toFixed(1)}x`);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
