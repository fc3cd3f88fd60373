// Contract: every example in the Import/Export spec's examples/ folder is replayed against the local
// cloud (with this world's subscription, resource group and storage account), and every response is
// validated against the spec's own schema and compared with the example's shape.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, ensureStorageKeys, type RunningAzurite } from '../blob-storage/azurite-launcher';
import { createClock } from '../clock';
import { startIdentityServer, type IdentityServer } from '../identity/identity-server';
import { ensureCertificates } from '../tls/certificates';
import { DEFAULT_WORLD, SEEDSHIP_CLIENT_ID } from '../world';
import { startArmServer, type ArmServer } from './arm-server';
import { validateAgainstSpec } from './spec-validator';

/** Azure's spec, verbatim (specs/README.md says from where), or the copy where SEEDSHIP_SPECS_DIR says. */
const SPEC_DIR = join(process.env.SEEDSHIP_SPECS_DIR ?? join(__dirname, 'specs'), 'importexport-2021-01-01');
if (!existsSync(SPEC_DIR)) throw new Error(`The Import/Export spec is not at ${SPEC_DIR} (SEEDSHIP_SPECS_DIR names the folder holding importexport-2021-01-01).`);
const spec = JSON.parse(readFileSync(join(SPEC_DIR, 'storageimportexport.json'), 'utf8')) as {
  paths: Record<string, Record<string, { 'x-ms-examples'?: Record<string, { $ref: string }>; responses: Record<string, { schema?: Record<string, unknown> }> }>>;
  definitions: Record<string, Record<string, unknown>>;
};
const SUB = DEFAULT_WORLD.subscriptions[0]!.subscriptionId;
const RG = 'seedship-rg';
const ACCOUNT_ID = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Storage/storageAccounts/contosobackup`;
/** Replay order: a job must exist before it is read, updated, listed or deleted. */
const ORDER = ['CreateJob', 'CreateExportJob', 'GetJob', 'GetExportJob', 'UpdateJob', 'UpdateExportJob', 'ListBitLockerKeys', 'ListJobsInSubscription', 'ListJobsInResourceGroup', 'GetLocation', 'ListLocations', 'ListOperations', 'DeleteJob'];
/** GetExportJob's example reads the export job under the import job's name; read the one CreateExportJob made. */
const JOB_NAME_FOR: Record<string, string> = { GetExportJob: 'myExportJob' };
/** Fields the service shows only once a client has set them (the examples set more than ours). */
const SET_BY_CLIENT_ONLY = /\.(deliveryPackage|returnPackage|incompleteBlobListUri|export\.blobListBlobPath|shippingInformation\.additionalInformation|driveList\[\]\.(copyStatus|percentComplete|verboseLogUri|errorLogUri|manifestUri|bytesSucceeded)|tags)$/;

let dir: string;
let ca: string;
let identity: IdentityServer;
let azurite: RunningAzurite;
let arm: ArmServer;
let token: string;

function call(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(url, { method, ca, headers: { ...(payload ? { 'Content-Type': headers['Content-Type'] ?? 'application/json' } : {}), ...headers } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as unknown) : undefined }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'seedship-contract-'));
  const tls = ensureCertificates(dir);
  ca = tls.caCertPem;
  const pair = { cert: tls.serverCertPem, key: tls.serverKeyPem };
  azurite = await startAzurite({ dataDir: dir, accounts: ensureStorageKeys(dir, DEFAULT_WORLD.storageAccounts.map((a) => a.name)) });
  identity = await startIdentityServer({ port: 0, tls: pair, world: DEFAULT_WORLD, dataDir: dir });
  arm = await startArmServer({ port: 0, tls: pair, world: DEFAULT_WORLD, clock: createClock(dir), dataDir: dir, adminKey: 'k', verifyAccessToken: identity.verifyAccessToken, approveDeviceCode: identity.approveDeviceCode, azurite });
  token = await deviceCodeToken('https://management.azure.com/.default');
}, 60_000);

afterAll(async () => {
  await arm?.close();
  await identity?.close();
  await azurite?.stop();
  rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
});

/** A device-code sign-in over the wire, as any OAuth client does it (endpoints from discovery). */
async function deviceCodeToken(scope: string): Promise<string> {
  const discovery = (await call('GET', `${identity.authority}/.well-known/openid-configuration`)).body as { token_endpoint: string };
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const formHeaders = { 'Content-Type': 'application/x-www-form-urlencoded' };
  // msal's rule: the device code endpoint is the token endpoint with /token → /devicecode.
  const started = (await call('POST', discovery.token_endpoint.replace('/token', '/devicecode'), form({ client_id: SEEDSHIP_CLIENT_ID, scope }), formHeaders)).body as { device_code: string; user_code: string };
  await identity.approveDeviceCode(started.user_code, 'operator@contoso.test', 'Rehearse-Seedship-1');
  const issued = (await call('POST', discovery.token_endpoint, form({ client_id: SEEDSHIP_CLIENT_ID, grant_type: 'device_code', device_code: started.device_code, scope }), formHeaders)).body as { access_token: string };
  return issued.access_token;
}

interface Replay {
  name: string;
  method: string;
  path: string;
  example: { parameters: Record<string, unknown>; responses: Record<string, { body?: unknown }> };
  responses: Record<string, { schema?: Record<string, unknown> }>;
}

function examples(): Replay[] {
  const found: Replay[] = [];
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      for (const ref of Object.values(operation['x-ms-examples'] ?? {})) {
        const name = ref.$ref.replace(/^(\.\/)?examples\//, '').replace('.json', '');
        found.push({ name, method: method.toUpperCase(), path, example: JSON.parse(readFileSync(join(SPEC_DIR, 'examples', `${name}.json`), 'utf8')), responses: operation.responses });
      }
    }
  }
  expect(found.map((e) => e.name).sort()).toEqual([...ORDER].sort());
  return found.sort((a, b) => ORDER.indexOf(a.name) - ORDER.indexOf(b.name));
}

/** Paths present in the example's body but missing from ours (arrays compared by their first item). */
function missingShape(example: unknown, ours: unknown, path = ''): string[] {
  if (example === null || typeof example !== 'object') return [];
  if (Array.isArray(example)) return example.length && Array.isArray(ours) && ours.length ? missingShape(example[0], ours[0], `${path}[]`) : [];
  return Object.entries(example as Record<string, unknown>).flatMap(([key, value]) => {
    const here = `${path}.${key}`;
    const mine = (ours as Record<string, unknown> | undefined)?.[key];
    if (mine === undefined) return SET_BY_CLIENT_ONLY.test(here) ? [] : [here];
    return missingShape(value, mine, here);
  });
}

describe('Microsoft.ImportExport 2021-01-01 contract', () => {
  it('replays every example of the spec and answers in the spec’s shape', async () => {
    for (const replay of examples()) {
      const p = replay.example.parameters;
      const path = replay.path
        .replace('{subscriptionId}', SUB)
        .replace('{resourceGroupName}', RG)
        .replace('{jobName}', JOB_NAME_FOR[replay.name] ?? String(p.jobName))
        .replace('{locationName}', encodeURIComponent(String(p.locationName)));
      let body = p.body as { properties?: Record<string, unknown> } | undefined;
      if (body?.properties?.storageAccountId) body = { ...body, properties: { ...body.properties, storageAccountId: ACCOUNT_ID } };
      const res = await call(replay.method, `${arm.url}${path}?api-version=${String(p['api-version'])}`, body, { Authorization: `Bearer ${token}` });
      expect(Object.keys(replay.example.responses), `${replay.name}: status ${res.status} ${JSON.stringify(res.body)}`).toContain(String(res.status));
      const schema = replay.responses[String(res.status)]?.schema;
      if (schema) expect(validateAgainstSpec(res.body, schema, spec), replay.name).toEqual([]);
      expect(missingShape(replay.example.responses[String(res.status)]?.body, res.body), replay.name).toEqual([]);
    }
  });

  it('answers errors in ARM’s shape with the right status', async () => {
    const job = `${arm.url}/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.ImportExport/jobs`;
    const cases: [string, string, unknown, Record<string, string>, number, string][] = [
      ['no token', `${job}/x1?api-version=2021-01-01`, undefined, {}, 401, 'AuthenticationFailed'],
      ['bad token', `${job}/x1?api-version=2021-01-01`, undefined, { Authorization: 'Bearer not.a.jwt' }, 401, 'InvalidAuthenticationToken'],
      ['no api-version', `${job}/x1`, undefined, { Authorization: `Bearer ${token}` }, 400, 'MissingApiVersionParameter'],
      ['unknown api-version', `${job}/x1?api-version=1999-01-01`, undefined, { Authorization: `Bearer ${token}` }, 400, 'InvalidApiVersionParameter'],
      ['unknown job', `${job}/nosuchjob?api-version=2021-01-01`, undefined, { Authorization: `Bearer ${token}` }, 404, 'ResourceNotFound'],
      ['unknown subscription', `${arm.url}/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.ImportExport/jobs?api-version=2021-01-01`, undefined, { Authorization: `Bearer ${token}` }, 404, 'SubscriptionNotFound'],
      ['unknown resource group', `${arm.url}/subscriptions/${SUB}/resourceGroups/nope/providers/Microsoft.ImportExport/jobs?api-version=2021-01-01`, undefined, { Authorization: `Bearer ${token}` }, 404, 'ResourceGroupNotFound'],
      ['malformed JSON', `${job}/x1?api-version=2021-01-01`, '{"location":', { Authorization: `Bearer ${token}` }, 400, 'InvalidRequestContent'],
      ['bad job name', `${job}/no_underscores?api-version=2021-01-01`, { location: 'westus2', properties: {} }, { Authorization: `Bearer ${token}` }, 400, 'InvalidJobName'],
      ['unknown location', `${arm.url}/providers/Microsoft.ImportExport/locations/atlantis?api-version=2021-01-01`, undefined, { Authorization: `Bearer ${token}` }, 404, 'LocationNotFound'],
    ];
    for (const [name, url, body, headers, status, code] of cases) {
      const res = await call(body === undefined ? 'GET' : 'PUT', url, body, headers);
      expect({ name, status: res.status, code: (res.body as { error?: { code?: string } })?.error?.code }).toEqual({ name, status, code });
      expect(typeof (res.body as { error: { message: string } }).error.message).toBe('string');
    }
  });

  it('refuses a token meant for another audience', async () => {
    const graph = { access_token: await deviceCodeToken('https://graph.microsoft.com/.default') };
    const res = await call('GET', `${arm.url}/subscriptions/${SUB}/providers/Microsoft.ImportExport/jobs?api-version=2021-01-01`, undefined, { Authorization: `Bearer ${graph.access_token}` });
    expect(res.status).toBe(401);
    expect((res.body as { error: { code: string } }).error.code).toBe('InvalidAuthenticationTokenAudience');
  });
});
