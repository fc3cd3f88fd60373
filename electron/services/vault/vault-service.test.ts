// Integration: the vault after the import, against the real local cloud (ARM + Azurite) and the real
// backup engine: back up to staging, put staging into the import container as the datacenter would,
// complete the job, seed (server-side copy + verify), an incremental backup that sends only new
// packs, restore from the vault alone, a wrong passphrase, and clean-up with its audit trail.
import { execFile } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskRecord } from '../../../shared/tasks/task-record';
import type { AppServices } from '../app-services';
import { openRepository } from '../backup/repository';
import { listBlobs, REPO_PREFIX } from './blob-transfer';
import { verifySeed } from './seed-verify';
import { CLI, MiB, PASSPHRASE, refusal, startVaultRehearsal, tree, type VaultRehearsal } from './testing/vault-rehearsal';
import { VaultAzure, type ContainerAccess } from './vault-storage';

const JOB = 'vault-job-1';

let rehearsal: VaultRehearsal;
let work: string;
let data: string;
let staging: string;
let source: string;
let app: AppServices;
let importContainer: ContainerAccess;
let done: (task: TaskRecord) => Promise<TaskRecord>;
let setJobState: (state: string) => Promise<unknown>;

function expectSameTree(restored: string, original: string): void {
  const a = tree(restored);
  const b = tree(original);
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
  for (const [path, bytes] of b) expect(a.get(path)?.equals(bytes), path).toBe(true);
}

/** Runs the seedship CLI on the same data folder (it reuses the running local cloud and the sign-in). */
function seedship(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args, '--data-dir', data], { maxBuffer: 16 * MiB }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  rehearsal = await startVaultRehearsal(JOB);
  ({ work, data, staging, source, app, importContainer, done, setJobState } = rehearsal);
}, 120_000);

afterAll(async () => {
  await rehearsal?.close();
});

describe('the vault after the import', () => {
  it('refuses to seed or clean up before the job is Completed and the seed verified', async () => {
    const status = await app.services.vault.status({ jobName: JOB, stagingPath: staging });
    expect(status).toMatchObject({ importJobState: 'Transferring', canSeed: false, canCleanUp: false, seed: null, stagingPresent: true, vault: { name: 'contoso-vault', container: 'vault-data' } });
    const early = await refusal(app.services.vault.seed({ jobName: JOB, stagingPath: staging, passphrase: PASSPHRASE }));
    expect(early).toMatchObject({ code: 'CONFLICT' });
    expect(early.message).toContain('Transferring');
    const cleanup = await refusal(app.services.vault.cleanup({ jobName: JOB, confirm: JOB }));
    expect(cleanup.code).toBe('CONFLICT');
    expect(cleanup.message).toMatch(/verified seed/);
  });

  it('seeds the vault by server-side copy once the job is Completed, and verifies it', async () => {
    await setJobState('Completed');
    const bad = await refusal(app.services.vault.seed({ jobName: JOB, stagingPath: staging, passphrase: 'not the passphrase at all!' }));
    expect(bad).toMatchObject({ code: 'VALIDATION', field: 'passphrase' });

    const task = await done(await app.services.vault.seed({ jobName: JOB, stagingPath: staging, passphrase: PASSPHRASE }));
    expect(task.error).toBeNull();
    expect(task.status).toBe('succeeded');
    const status = await app.services.vault.status({ jobName: JOB });
    expect(status.seed).toMatchObject({ state: 'verified', vaultName: 'contoso-vault', problems: [] });
    expect(status.seed?.verifiedAt).toBeTruthy();
    expect(status.canCleanUp).toBe(true);
    const imported = await listBlobs(importContainer.container, REPO_PREFIX);
    const vault = await new VaultAzure(app.azure).vaultContainer({ storageAccountId: status.seed?.vaultAccountId as string, container: 'vault-data' });
    const seeded = await listBlobs(vault.container, status.seed?.prefix as string);
    expect(seeded.size).toBe(imported.size);
    for (const blob of imported.values()) expect(seeded.get(`${status.seed?.prefix}${blob.name}`)?.size).toBe(blob.size);
    const snapshots = await app.services.vault.snapshots({ jobName: JOB, passphrase: PASSPHRASE });
    expect(snapshots.map((s) => s.id)).toEqual([status.seed?.snapshotId]);
    expect(app.audit.recent().map((e) => e.action)).toContain('vault.seeded');
  }, 60_000);

  it('verification notices a missing, truncated or altered pack', async () => {
    const { seed } = await app.services.vault.status({ jobName: JOB });
    const vault = await new VaultAzure(app.azure).vaultContainer({ storageAccountId: seed?.vaultAccountId as string, container: 'vault-data' });
    const prefix = seed?.prefix as string;
    const pack = [...(await listBlobs(vault.container, prefix)).keys()].find((n) => n.endsWith('.pack')) as string;
    const bytes = await vault.container.getBlobClient(pack).downloadToBuffer();
    const altered = Buffer.from(bytes);
    altered[altered.length - 10] = (altered[altered.length - 10] as number) ^ 1;
    const name = pack.slice(prefix.length);
    await vault.container.getBlockBlobClient(`altered/${name}`).uploadData(altered);
    await vault.container.getBlockBlobClient(`truncated/${name}`).uploadData(bytes.subarray(1));
    const { keys } = await openRepository(staging, PASSPHRASE);
    for (const [where, expected] of [['altered/', /does not match its name/], ['truncated/', /do not follow each other|end at/]] as const) {
      const result = await verifySeed({
        vault: vault.container,
        vaultBlobs: await listBlobs(vault.container, where),
        expected: [{ name, size: bytes.length, md5: null, copyStatus: null }, { name: `${REPO_PREFIX}snapshots/gone.snapshot`, size: 10, md5: null, copyStatus: null }],
        prefix: where,
        keys,
        stagingPath: null,
        snapshot: null,
        signal: new AbortController().signal,
        onChecked: () => undefined,
      });
      expect(result.problems.join('\n')).toMatch(expected);
      expect(result.problems.join('\n')).toMatch(/gone\.snapshot is missing from the vault/);
      expect(result.problems.join('\n')).toMatch(/holds no snapshot/);
    }
  });

  it('sends only the new packs of the next backup over the network', async () => {
    appendFileSync(join(source, 'reports', 'Überblick – notes.txt'), 'A line added after seeding.\n');
    const task = await done(await app.services.vault.backup({ jobName: JOB, passphrase: PASSPHRASE, sources: [source] }));
    expect(task.error).toBeNull();
    const { seed } = await app.services.vault.status({ jobName: JOB });
    const upload = seed?.lastUpload;
    expect(upload).toBeTruthy();
    expect(upload?.packs).toBeGreaterThanOrEqual(1);
    expect(upload?.packs).toBeLessThanOrEqual(2);
    expect(upload?.chunks).toBeLessThanOrEqual(4);
    expect(upload?.otherFiles).toBe(1);
    // A few kilobytes against a seed of several megabytes.
    expect(upload?.bytes).toBeLessThan((seed?.bytes ?? 0) / 20);
    expect(task.summary.join('\n')).toMatch(/Sent \d new packs/);
  }, 60_000);

  it('restores from the vault bit-identical, all of it or chosen files, and refuses a wrong passphrase', async () => {
    const wrong = await refusal(app.services.vault.restore({ jobName: JOB, to: join(work, 'nope'), passphrase: 'a wrong passphrase, long enough' }));
    expect(wrong).toMatchObject({ code: 'VALIDATION', field: 'passphrase' });
    expect(wrong.message).toMatch(/passphrase does not open/);

    const to = join(work, 'restored');
    const task = await done(await app.services.vault.restore({ jobName: JOB, to, passphrase: PASSPHRASE }));
    expect(task.error).toBeNull();
    expectSameTree(join(to, 'documents'), source);

    const some = join(work, 'restored-some');
    const [older] = (await app.services.vault.snapshots({ jobName: JOB, passphrase: PASSPHRASE })).slice(-1);
    await done(await app.services.vault.restore({ jobName: JOB, to: some, passphrase: PASSPHRASE, snapshotId: older?.id as string, paths: ['documents/reports/2026'] }));
    expect([...tree(some).keys()]).toEqual(['documents/reports/2026/q4.csv']);
    expect(readFileSync(join(some, 'documents/reports/2026/q4.csv')).equals(readFileSync(join(source, 'reports/2026/q4.csv')))).toBe(true);
  }, 60_000);

  it('cleans up the import container and staging only when the job name is typed, with an audit trail', async () => {
    const typo = await refusal(app.services.vault.cleanup({ jobName: JOB, confirm: 'vault-job' }));
    expect(typo).toMatchObject({ code: 'VALIDATION', field: 'confirm' });
    expect(existsSync(join(staging, 'seedship-repository'))).toBe(true);

    const task = await done(await app.services.vault.cleanup({ jobName: JOB, confirm: JOB }));
    expect(task.error).toBeNull();
    expect((await listBlobs(importContainer.container, '')).size).toBe(0);
    expect(existsSync(join(staging, 'seedship-repository'))).toBe(false);
    expect(existsSync(join(staging, 'seedship-staging.json'))).toBe(false);
    const actions = app.audit.recent().map((e) => e.action);
    for (const action of ['vault.cleanup.started', 'vault.cleanup.importDeleted', 'vault.cleanup.stagingDeleted', 'vault.cleanup.finished']) expect(actions).toContain(action);
    expect((await app.services.vault.status({ jobName: JOB })).seed?.cleanedUpAt).toBeTruthy();
  }, 60_000);

  it('keeps backing up incrementally to the vault after clean-up, and restores from it', async () => {
    writeFileSync(join(source, 'reports', 'after-cleanup.txt'), 'Written once staging was gone.\n');
    const task = await done(await app.services.vault.backup({ jobName: JOB, passphrase: PASSPHRASE }));
    expect(task.error).toBeNull();
    const { seed } = await app.services.vault.status({ jobName: JOB });
    expect(seed?.lastUpload?.bytes).toBeLessThan((seed?.bytes ?? 0) / 20);
    const to = join(work, 'restored-after');
    await done(await app.services.vault.restore({ jobName: JOB, to, passphrase: PASSPHRASE }));
    expectSameTree(join(to, 'documents'), source);
  }, 60_000);

  it('does the same from the CLI: seedship vault status and restore', async () => {
    const status = await seedship(['vault', 'status', '--job', JOB, '--json']);
    expect(status.stderr).toBe('');
    expect(JSON.parse(status.stdout)).toMatchObject({ jobName: JOB, importJobState: 'Completed', seed: { state: 'verified' }, canCleanUp: false });
    const passphraseFile = join(work, 'passphrase.txt');
    writeFileSync(passphraseFile, `The backup passphrase:\n${PASSPHRASE}\n`, { mode: 0o600 });
    const to = join(work, 'restored-cli');
    const restored = await seedship(['vault', 'restore', '--job', JOB, '--to', to, '--passphrase-file', passphraseFile]);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toMatch(/Restored \d+ files/);
    expectSameTree(join(to, 'documents'), source);
    const refused = await seedship(['vault', 'cleanup', '--job', JOB]);
    expect(refused.code).toBe(2);
  }, 60_000);
});
