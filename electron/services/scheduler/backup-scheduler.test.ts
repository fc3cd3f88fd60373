// Integration: the backup schedule after the import, with an injected clock, against the real local
// cloud (ARM + Azurite) and the real backup engine (the vault tests' rehearsal): while the import
// job isn't Completed a due run is skipped with the reason; once the job watcher sees it Completed,
// the next due run seeds and verifies the vault; the run after that is incremental only.
import { execFile } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RETENTION } from '../../../shared/backup/plan';
import type { ScheduleStatus } from '../../../shared/schedule/schedule-api';
import type { AppServices } from '../app-services';
import { listBlobs } from '../vault/blob-transfer';
import { ACCOUNT, CLI, CONTAINER, MiB, PASSPHRASE, startVaultRehearsal, type VaultRehearsal } from '../vault/testing/vault-rehearsal';
import { VaultAzure } from '../vault/vault-storage';
import type { Clock } from './clock';

const JOB = 'scheduled-job-1';
const BERLIN = 'Europe/Berlin';

/** A clock the test moves; timers never fire on their own (the test calls tick()). */
class ManualClock implements Clock {
  constructor(private at: Date) {}
  now(): Date {
    return new Date(this.at);
  }
  setTimeout(): () => void {
    return () => undefined;
  }
  set(iso: string): void {
    this.at = new Date(iso);
  }
}

const clock = new ManualClock(new Date('2026-01-12T12:00:00Z'));
let rehearsal: VaultRehearsal;
let app: AppServices;
const published: ScheduleStatus[] = [];

function seedship(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args, '--data-dir', rehearsal.data], { maxBuffer: 16 * MiB }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  rehearsal = await startVaultRehearsal(JOB, { clock, timeZone: BERLIN });
  app = rehearsal.app;
  app.events.on('schedule.changed', (status) => published.push(status));
  // The wizard's plan: every day at 21:00 Berlin time (20:00Z in January), the job, the passphrase.
  app.plans.save({
    sources: [rehearsal.source],
    schedule: { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], times: ['21:00'] },
    retention: DEFAULT_RETENTION,
    initialBackup: 'own-disks',
    offline: { stagingPath: rehearsal.staging, storageAccount: ACCOUNT, container: CONTAINER, subscriptionId: rehearsal.subscriptionId, jobName: JOB },
  });
  await app.plans.setPassphrase(PASSPHRASE, PASSPHRASE, join(rehearsal.work, 'passphrase.txt'));
  // The job watcher's first check records the job (Transferring).
  await app.jobs.check();
}, 120_000);

afterAll(async () => {
  await rehearsal?.close();
});

describe('the backup schedule after the import', () => {
  it('skips a due run while the import job is not Completed, and says why', async () => {
    // The scheduler's first look only notes where the schedule starts: nothing earlier is "missed".
    expect(await app.scheduler.tick()).toBeNull();
    const before = await app.services.schedule.status({});
    expect(before).toMatchObject({ jobName: JOB, importJobState: 'Transferring', nextRunAt: '2026-01-12T20:00:00.000Z', nextAction: 'wait', timeZone: BERLIN, lastRun: null });
    expect(before.nextText).toMatch(/^waiting for the import job \(Transferring\)/);

    clock.set('2026-01-12T20:00:30Z');
    const run = await app.scheduler.tick();
    expect(run).toMatchObject({ slotAt: '2026-01-12T20:00:00.000Z', action: 'skipped', outcome: 'skipped', taskId: null });
    expect(run?.message).toMatch(/is Transferring, not Completed/);
    expect(run?.message).toMatch(/nothing goes over the network before the vault is seeded/);
    expect(app.tasks.running('vault')).toBeNull();
    expect(app.tasks.list().filter((t) => t.kind === 'vault')).toEqual([]);
    expect((await app.services.vault.status({ jobName: JOB })).seed).toBeNull();
    // The same slot is not run again.
    expect(await app.scheduler.tick()).toBeNull();
    expect((await app.services.schedule.status({})).lastRun).toMatchObject({ outcome: 'skipped' });
    expect(app.audit.recent().map((e) => e.action)).toContain('schedule.run');
  }, 60_000);

  it('records that the next run will seed when the job watcher sees the job Completed', async () => {
    await rehearsal.setJobState('Completed');
    await app.jobs.check();
    const status = await app.services.schedule.status({});
    expect(status).toMatchObject({ importJobState: 'Completed', nextAction: 'seed', nextRunAt: '2026-01-13T20:00:00.000Z', completed: { jobName: JOB } });
    expect(status.nextText).toMatch(/^will seed/);
    expect(status.completed?.message).toMatch(/next scheduled run will seed the vault/);
    expect(published.some((s) => s.completed?.jobName === JOB)).toBe(true);
    expect(app.audit.recent().map((e) => e.action)).toContain('schedule.seedQueued');
  });

  it('seeds and verifies at the next due run, once for the slots missed meanwhile', async () => {
    // Tuesday's and Wednesday's slots passed unseen (the app was busy elsewhere): one run, for the latest.
    clock.set('2026-01-15T08:00:00Z');
    const run = await app.scheduler.tick();
    expect(run).toMatchObject({ slotAt: '2026-01-14T20:00:00.000Z', action: 'seed', outcome: 'succeeded' });
    expect(run?.message).toMatch(/Seeded vault contoso-vault/);
    expect(run?.message).toMatch(/Verified/);
    expect(run?.retention).toMatch(/not applied yet/);
    const vault = await app.services.vault.status({ jobName: JOB });
    expect(vault.seed).toMatchObject({ state: 'verified', problems: [] });
    expect(vault.seed?.lastUpload).toBeTruthy();
    expect(await app.scheduler.tick()).toBeNull();

    const status = await app.services.schedule.status({});
    expect(status).toMatchObject({ nextAction: 'incremental', nextRunAt: '2026-01-15T20:00:00.000Z', completed: null, lastRun: { action: 'seed', outcome: 'succeeded' } });
    expect(status.nextText).toMatch(/^incremental/);
  }, 120_000);

  it('backs up incrementally at the following run: only the new packs go to the vault', async () => {
    const before = (await app.services.vault.status({ jobName: JOB })).seed;
    const vault = await new VaultAzure(app.azure).vaultContainer({ storageAccountId: before?.vaultAccountId as string, container: before?.vaultContainer as string });
    const blobsBefore = (await listBlobs(vault.container, before?.prefix as string)).size;
    appendFileSync(join(rehearsal.source, 'reports', 'Überblick – notes.txt'), 'A line added after seeding.\n');
    writeFileSync(join(rehearsal.source, 'reports', 'new.txt'), 'Written after the seed.\n');
    clock.set('2026-01-15T20:00:05Z');
    const run = await app.scheduler.tick();
    expect(run).toMatchObject({ slotAt: '2026-01-15T20:00:00.000Z', action: 'incremental', outcome: 'succeeded', catchUp: false });
    expect(run?.message).toMatch(/Sent \d new packs/);
    const { seed } = await app.services.vault.status({ jobName: JOB });
    const upload = seed?.lastUpload;
    // No second seed: the server-side copy happened once.
    expect(seed?.seededAt).toBe(before?.seededAt);
    expect(upload?.snapshotId).toBe(run?.message.match(/Snapshot (\S+):/)?.[1]);
    expect(upload?.packs).toBeGreaterThanOrEqual(1);
    expect(upload?.packs).toBeLessThanOrEqual(4);
    // A few kilobytes against a seed of several megabytes.
    expect(upload?.bytes).toBeLessThan((seed?.bytes ?? 0) / 20);
    const blobsAfter = (await listBlobs(vault.container, seed?.prefix as string)).size;
    expect(blobsAfter - blobsBefore).toBeGreaterThanOrEqual((upload?.packs ?? 0) + 1);
    expect(blobsAfter - blobsBefore).toBeLessThanOrEqual((upload?.packs ?? 0) + (upload?.otherFiles ?? 0));
  }, 120_000);

  it('never runs beside another vault task: the slot is skipped with the reason', async () => {
    const manual = await app.services.vault.backup({ jobName: JOB });
    clock.set('2026-01-16T20:00:05Z');
    const run = await app.scheduler.tick();
    expect(run).toMatchObject({ action: 'skipped', outcome: 'skipped' });
    expect(run?.message).toMatch(/was still running/);
    expect((await rehearsal.done(manual)).status).toBe('succeeded');
  }, 120_000);

  it('seedship vault status prints the next scheduled run and the last one', async () => {
    const out = await seedship(['vault', 'status', '--job', JOB]);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/Next scheduled run: .+ — incremental/);
    expect(out.stdout).toMatch(/Last scheduled run: .+ — skipped, skipped: .*was still running/);
    const json = await seedship(['vault', 'status', '--job', JOB, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ seed: { state: 'verified' }, schedule: { jobName: JOB, nextAction: 'incremental', lastRun: { outcome: 'skipped' } } });
  }, 60_000);
});
