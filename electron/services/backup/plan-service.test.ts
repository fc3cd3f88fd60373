// The wizard's services: plan drafts, the passphrase, staging checks, and the Azure checks against
// the real local cloud (signed in by device code, approved the way a script does it).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppServices, type AppServices } from '../app-services';
import { localCloudAdmin } from '../azure/local-cloud-admin';

const ENTRY = join(import.meta.dirname, '..', '..', '..', 'dist', 'localcloud.mjs');
const SUBSCRIPTION = '8a6d5b2e-3c1f-4e7a-9b0d-5e5d5eed0001';
let work: string;
let app: AppServices;

beforeAll(() => {
  process.env.SEEDSHIP_LOCALCLOUD_PORT_BASE = '0';
  work = mkdtempSync(join(tmpdir(), 'seedship-plan-'));
  app = createAppServices({ dataDir: join(work, 'data'), transport: 'cli', version: 'test', localCloudEntry: ENTRY });
});
afterAll(async () => {
  await app?.close();
  rmSync(work, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
});

describe('the backup plan', () => {
  it('saves drafts step by step and refuses relative sources and bad exclusions, naming the field', async () => {
    const source = join(work, 'docs');
    mkdirSync(source);
    writeFileSync(join(source, 'a.txt'), 'hello');
    writeFileSync(join(source, 'b.iso'), 'x'.repeat(100));
    const saved = await app.services.plan.save({ sources: [source], step: 2, exclusions: { patterns: [], fileTypes: ['.iso'] } });
    expect(saved).toMatchObject({ sources: [source], step: 2, passphraseSet: false });
    expect((await app.services.plan.get({})).step).toBe(2);
    await expect(app.services.plan.save({ sources: ['relative/path'] })).rejects.toMatchObject({ code: 'VALIDATION', field: 'sources' });
    await expect(app.services.plan.save({ exclusions: { patterns: ['***'], fileTypes: [] } })).rejects.toMatchObject({ field: 'exclusions.patterns' });
    const estimate = await app.services.plan.estimate({ sources: [source], exclusions: { patterns: [], fileTypes: ['.iso'] } });
    expect(estimate).toMatchObject({ files: 1, bytes: 5, excluded: 1, problems: [] });
    const missing = await app.services.plan.estimate({ sources: [join(work, 'gone')], exclusions: { patterns: [], fileTypes: [] } });
    expect(missing.problems).toEqual([{ path: join(work, 'gone'), reason: 'it does not exist' }]);
  });

  it('sets the passphrase only when it is long enough, confirmed, and saved outside the sources', async () => {
    const { passphrase } = await app.services.plan.generatePassphrase({});
    expect(passphrase.length).toBeGreaterThanOrEqual(16);
    const saveTo = join(work, 'passphrase.txt');
    await expect(app.services.plan.setPassphrase({ passphrase: 'short', confirmation: 'short', saveTo })).rejects.toMatchObject({ field: 'passphrase' });
    await expect(app.services.plan.setPassphrase({ passphrase, confirmation: `${passphrase}x`, saveTo })).rejects.toMatchObject({ field: 'confirmation' });
    await expect(app.services.plan.setPassphrase({ passphrase, confirmation: passphrase, saveTo: join(work, 'docs', 'pp.txt') })).rejects.toMatchObject({ field: 'saveTo' });
    await expect(app.services.plan.setPassphrase({ passphrase, confirmation: passphrase, saveTo: join(work, 'no-such-folder', 'pp.txt') })).rejects.toMatchObject({ field: 'saveTo' });
    const plan = await app.services.plan.setPassphrase({ passphrase, confirmation: passphrase, saveTo });
    expect(plan).toMatchObject({ passphraseSet: true, passphraseSavedTo: saveTo });
    expect(readFileSync(saveTo, 'utf8')).toContain(passphrase);
    expect(statSync(saveTo).mode & 0o777).toBe(0o600);
    // Never overwritten: an older passphrase file may be the only copy of an older key.
    await expect(app.services.plan.setPassphrase({ passphrase, confirmation: passphrase, saveTo })).rejects.toMatchObject({ field: 'saveTo', message: expect.stringContaining('already exists') });
    // The database holds it sealed, not in clear.
    expect(readFileSync(join(work, 'data', 'seedship.db')).includes(Buffer.from(passphrase))).toBe(false);
  });

  it('checks the staging location: full path, apart from the sources, writable, with room', async () => {
    const check = (stagingPath: string) => app.services.plan.checkStaging({ stagingPath });
    expect((await check('staging')).problems[0]).toMatchObject({ field: 'stagingPath', message: expect.stringContaining('full path') });
    expect((await check(join(work, 'docs', 'staging'))).problems[0]?.message).toMatch(/inside .*being backed up/);
    writeFileSync(join(work, 'a-file'), '');
    expect((await check(join(work, 'a-file'))).problems[0]?.message).toMatch(/is a file/);
    const ok = await check(join(work, 'staging', 'new-folder'));
    expect(ok.problems).toEqual([]);
    expect(ok.freeBytes).toBeGreaterThan(0);
    expect(existsSync(join(work, 'staging'))).toBe(false);
  });
});

describe('the Azure checks against the local cloud', () => {
  beforeAll(async () => {
    const profile = await app.azure.profile();
    await app.azure.auth.signInWithDeviceCode((prompt) => {
      void localCloudAdmin(profile, 'POST', '/device-codes/approve', { userCode: prompt.userCode, username: 'operator@contoso.test', password: 'Rehearse-Seedship-1' });
    });
  }, 60_000);

  const details = (overrides: Record<string, string> = {}) => ({ stagingPath: join(work, 'staging'), storageAccount: 'contosobackup', container: 'seedship-seed', subscriptionId: SUBSCRIPTION, jobName: 'seed-plan-test', ...overrides });

  it('finds what needs fixing, registers the provider, then creates the container and the Entra application', async () => {
    const before = (await app.services.plan.checkAzure(details())).checks;
    expect(Object.fromEntries(before.map((c) => [c.id, c.status]))).toEqual({ subscription: 'ok', storageAccount: 'ok', container: 'fixable', jobName: 'ok', provider: 'fixable', entraApp: 'fixable' });
    await expect(app.services.plan.prepareAzure(details())).rejects.toMatchObject({ code: 'CONFLICT', field: 'provider' });
    expect((await app.services.plan.registerProvider({ subscriptionId: SUBSCRIPTION })).state).toBe('Registered');
    const plan = await app.services.plan.prepareAzure(details());
    expect(plan.azure).toMatchObject({ resourceGroup: 'seedship-rg', containerCreated: true, entraAppId: expect.any(String) });
    const after = (await app.services.plan.checkAzure(details())).checks;
    expect(after.every((c) => c.status === 'ok')).toBe(true);
  }, 60_000);

  it('blocks a Blob-only account, an unknown account, and refuses bad names before calling Azure', async () => {
    const blobOnly = (await app.services.plan.checkAzure(details({ storageAccount: 'contosoblobonly' }))).checks;
    expect(blobOnly.find((c) => c.id === 'storageAccount')).toMatchObject({ status: 'blocked', message: expect.stringContaining('general purpose') });
    const unknown = (await app.services.plan.checkAzure(details({ storageAccount: 'nosuchaccount' }))).checks;
    expect(unknown.find((c) => c.id === 'storageAccount')).toMatchObject({ status: 'blocked', message: expect.stringContaining('no storage account') });
    await expect(app.services.plan.checkAzure(details({ container: 'Bad--Name' }))).rejects.toMatchObject({ code: 'VALIDATION', field: 'container' });
    await expect(app.services.plan.checkAzure(details({ subscriptionId: 'not-a-guid' }))).rejects.toMatchObject({ field: 'subscriptionId' });
  }, 60_000);
});
