// The scheduler's loop with fakes for the vault: catch-up once at start, a due run waiting for the
// sign-in, the timer armed on the injected clock, and the status line's three cases.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventHub } from '../../../shared/api/event-hub';
import { EMPTY_PLAN, type Plan } from '../../../shared/backup/plan';
import type { TaskRecord } from '../../../shared/tasks/task-record';
import type { SeedRecord, VaultStatus } from '../../../shared/vault/vault-api';
import { tempDirs } from '../backup/testing/temp-dirs';
import { AuditLog } from '../store/audit-log';
import { openDatabase, type Db } from '../store/database';
import { DocumentStore } from '../store/document-store';
import { BackupScheduler } from './backup-scheduler';
import type { Clock } from './clock';

const temp = tempDirs();
const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
const plan: Plan = {
  ...EMPTY_PLAN,
  schedule: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], times: ['21:00'] },
  offline: { stagingPath: '/srv/staging', storageAccount: 'contosobackup', container: 'seed', subscriptionId: 'sub', jobName: 'job-1' },
};
const dbs: Db[] = [];
afterEach(() => dbs.splice(0).forEach((db) => db.close()));

class TestClock implements Clock {
  timers: { at: number; fn: () => void }[] = [];
  constructor(public at: number) {}
  now = () => new Date(this.at);
  setTimeout = (fn: () => void, ms: number) => {
    const timer = { at: this.at + ms, fn };
    this.timers.push(timer);
    return () => (this.timers = this.timers.filter((t) => t !== timer));
  };
}

function setUp(options: { state?: string | null; seeded?: boolean; ready?: () => Promise<boolean>; startAt?: string } = {}) {
  const db = openDatabase(temp('scheduler'));
  dbs.push(db);
  const events = new EventHub();
  const clock = new TestClock(Date.parse(options.startAt ?? '2026-01-15T08:00:00Z'));
  const seed = options.seeded ? ({ state: 'verified' } as SeedRecord) : null;
  const finished = { id: 't1', status: 'succeeded', summary: ['Sent 1 new packs.'], error: null, title: 'Back up to the vault' } as unknown as TaskRecord;
  const backup = vi.fn(async () => {
    setTimeout(() => events.emit('task.changed', finished), 5);
    return { ...finished, status: 'running' } as TaskRecord;
  });
  const status = vi.fn(async () => ({ importJobState: options.state === undefined ? 'Transferring' : options.state, seed, problems: [], next: '' }) as unknown as VaultStatus);
  const documents = new DocumentStore(db);
  const scheduler = new BackupScheduler({
    plans: { get: () => plan },
    vault: { status, backup },
    tasks: { running: () => null, get: () => ({ ...finished, status: 'running' }) as TaskRecord },
    events,
    documents,
    seeds: { get: () => seed },
    knownJobState: async () => (options.state === undefined ? 'Transferring' : options.state),
    ready: options.ready ?? (async () => true),
    audit: new AuditLog(db, 'test'),
    logger,
    clock,
    timeZone: 'Europe/Berlin',
  });
  return { scheduler, clock, backup, documents, events };
}

describe('BackupScheduler', () => {
  it('runs a slot missed while the app was closed once at start, marked as a catch-up', async () => {
    const { scheduler, documents, backup } = setUp({ seeded: true });
    // Last handled: Monday before 21:00; the app was closed until Thursday morning.
    documents.write('schedule.state', { handledUpTo: '2026-01-12T18:00:00.000Z', lastRun: null, completed: null });
    const run = await scheduler.tick();
    expect(run).toMatchObject({ slotAt: '2026-01-14T20:00:00.000Z', catchUp: true, action: 'incremental', outcome: 'succeeded' });
    expect(backup).toHaveBeenCalledTimes(1);
    expect(await scheduler.tick()).toBeNull();
    expect(backup).toHaveBeenCalledTimes(1);
  });

  it('holds a due run while Azure can’t be reached quietly, then runs it once', async () => {
    let ready = false;
    const { scheduler, documents, backup } = setUp({ state: 'Completed', ready: async () => ready });
    documents.write('schedule.state', { handledUpTo: '2026-01-14T18:00:00.000Z', lastRun: null, completed: null });
    expect(await scheduler.tick()).toBeNull();
    expect((await scheduler.status()).waiting).toMatch(/sign in/);
    ready = true;
    expect(await scheduler.tick()).toMatchObject({ action: 'seed', outcome: 'succeeded' });
    expect((await scheduler.status()).waiting).toBeNull();
    expect(backup).toHaveBeenCalledTimes(1);
  });

  it('arms its timer on the injected clock, never longer than the recheck interval', async () => {
    const { scheduler, clock } = setUp();
    scheduler.start();
    expect(clock.timers.map((t) => t.at - clock.at)).toEqual([30_000]);
    clock.timers[0]?.fn();
    await vi.waitFor(() => expect(clock.timers).toHaveLength(2));
    expect((clock.timers[1]?.at ?? 0) - clock.at).toBe(60_000);
    scheduler.stop();
    expect((await scheduler.status()).active).toBe(false);
  });

  it('says what the next run will do: wait, seed or incremental', async () => {
    const waiting = await setUp().scheduler.status();
    expect(waiting).toMatchObject({ nextAction: 'wait', nextRunAt: '2026-01-15T20:00:00.000Z' });
    expect(waiting.nextText).toBe('waiting for the import job (Transferring): nothing goes over the network before the seed');
    expect((await setUp({ state: 'Completed' }).scheduler.status()).nextText).toMatch(/^will seed/);
    expect((await setUp({ seeded: true }).scheduler.status()).nextText).toMatch(/^incremental/);
  });

  it('notes a Completed job seen by the job watcher', async () => {
    const { scheduler, events } = setUp({ state: 'Transferring' });
    events.emit('jobs.changed', { checkedAt: '2026-01-15T08:00:00Z', changes: [{ jobId: 'x', jobName: 'job-1', subscriptionId: 'sub', resourceGroup: 'rg', driveId: null, from: 'Transferring', to: 'Completed', at: '2026-01-15T07:59:00Z', message: '' }] });
    const status = await scheduler.status();
    expect(status).toMatchObject({ nextAction: 'seed', completed: { jobName: 'job-1', at: '2026-01-15T07:59:00Z' } });
  });
});
