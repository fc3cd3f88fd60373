import type { EventHub } from '../../../shared/api/event-hub';
import type { Plan } from '../../../shared/backup/plan';
import type { ScheduledRun } from '../../../shared/schedule/schedule-api';
import { isFinished, type TaskRecord } from '../../../shared/tasks/task-record';
import type { VaultBackupInput, VaultStatus, VaultTarget } from '../../../shared/vault/vault-api';
import type { TaskRegistry } from '../tasks/task-registry';

/** What one scheduled run needs: the plan, the vault service, the tasks and their events. */
export interface ScheduledRunDeps {
  plans: { get(): Plan };
  vault: { status(input: VaultTarget): Promise<VaultStatus>; backup(input: VaultBackupInput): Promise<TaskRecord> };
  tasks: Pick<TaskRegistry, 'running' | 'get'>;
  events: Pick<EventHub, 'on'>;
  now: () => Date;
}

/**
 * Runs one schedule slot: seeds the vault (then backs up incrementally) when the plan's import job
 * is Completed and the vault has no verified seed; backs up incrementally when it has one; and
 * otherwise skips with the reason. The initial backup is offline: before the seed, nothing is sent.
 * `onStarted` hears of the vault task as soon as it runs; the promise settles when it has finished.
 */
export async function runScheduledSlot(deps: ScheduledRunDeps, slot: Date, catchUp: boolean, onStarted: (run: ScheduledRun) => void): Promise<ScheduledRun> {
  const startedAt = deps.now().toISOString();
  const base = { slotAt: slot.toISOString(), startedAt, catchUp, taskId: null, retention: null };
  const skip = (message: string): ScheduledRun => ({ ...base, finishedAt: deps.now().toISOString(), action: 'skipped', outcome: 'skipped', message });

  // Never two at once: the same check Run now and Back Up Now make.
  const busy = deps.tasks.running('vault') ?? deps.tasks.running('backup');
  if (busy) return skip(`“${busy.title}” was still running, and a scheduled run never starts beside another backup or vault task.`);
  const plan = deps.plans.get();
  const jobName = plan.offline?.jobName;
  if (!jobName) return skip('The backup plan names no import job yet: the initial backup goes to the vault on disks first (Backup, then Disk prep).');

  const status = await deps.vault.status({ jobName });
  const seeded = status.seed?.state === 'verified';
  if (!seeded && status.importJobState !== 'Completed') {
    return skip(
      status.importJobState
        ? `Import job ${jobName} is ${status.importJobState}, not Completed: the initial backup travels on the disks, and nothing goes over the network before the vault is seeded from it.`
        : `Import job ${jobName}'s state can't be read (${status.problems[0] ?? status.next}): nothing was sent.`,
    );
  }
  const action = seeded ? 'incremental' : 'seed';
  const retention = retentionNote(plan);
  let task: TaskRecord;
  try {
    task = await deps.vault.backup({ jobName });
  } catch (error) {
    return { ...base, finishedAt: deps.now().toISOString(), action, outcome: 'failed', message: (error as Error).message };
  }
  const running: ScheduledRun = { ...base, finishedAt: null, action, outcome: 'running', message: task.title, taskId: task.id, retention };
  const finished = waitForTask(deps, task.id);
  onStarted(running);
  const record = await finished;
  return {
    ...running,
    finishedAt: deps.now().toISOString(),
    outcome: record.status === 'succeeded' ? 'succeeded' : 'failed',
    message: record.status === 'succeeded' ? record.summary.join(' ') : (record.error ?? `The task was ${record.status}.`),
  };
}

/** Resolves with the task's final record, from its events (no polling). */
function waitForTask(deps: Pick<ScheduledRunDeps, 'tasks' | 'events'>, id: string): Promise<TaskRecord> {
  return new Promise((resolve) => {
    const off = deps.events.on('task.changed', (record) => {
      if (record.id !== id || !isFinished(record.status)) return;
      off();
      resolve(record);
    });
    // It may have ended before we listened.
    const now = deps.tasks.get(id);
    if (isFinished(now.status)) {
      off();
      resolve(now);
    }
  });
}

/**
 * The backup engine keeps every snapshot: its repository has no prune (forget + repack) yet, so the
 * plan's retention can't be applied, and the run says so rather than pretend.
 */
export function retentionNote(plan: Plan): string | null {
  const r = plan.retention;
  if (!r) return null;
  return `Retention (${r.daily} daily, ${r.weekly} weekly, ${r.monthly} monthly) is not applied yet: the backup engine can't prune snapshots, so every snapshot is kept.`;
}
