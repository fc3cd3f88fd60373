import type { EventHub } from '../../../shared/api/event-hub';
import type { JobsChanged } from '../../../shared/jobs/jobs-api';
import { dueScheduledRun, localTimeZone, nextScheduledRun } from '../../../shared/schedule/next-run';
import type { ScheduledAction, ScheduledRun, ScheduleStatus } from '../../../shared/schedule/schedule-api';
import type { SeedRecord } from '../../../shared/vault/vault-api';
import type { AuditLog } from '../store/audit-log';
import type { DocumentStore } from '../store/document-store';
import type { Logger } from '../system/logger';
import { systemClock, type Clock } from './clock';
import { runScheduledSlot, type ScheduledRunDeps } from './scheduled-run';
import { ScheduleStateStore } from './schedule-state';

export interface BackupSchedulerOptions extends Omit<ScheduledRunDeps, 'now' | 'events'> {
  events: EventHub;
  documents: DocumentStore;
  seeds: { get(jobName: string): SeedRecord | null };
  /** The import job's state as last checked by the job dashboard (no call to Azure). */
  knownJobState: (jobName: string, subscriptionId: string | null) => Promise<string | null>;
  /** False while a run would need a sign-in or the local cloud isn't up: a due run then waits. */
  ready: () => Promise<boolean>;
  audit: AuditLog;
  logger: Logger;
  clock?: Clock;
  /** The schedule's time zone; the computer's unless given (tests). */
  timeZone?: string;
  /** Longest time between two looks at the clock: catches sleep, clock changes and plan edits. */
  recheckMs?: number;
  /** First look after start, so the local cloud can come up and the operator sign in. */
  firstCheckMs?: number;
}

/**
 * Runs the backup plan's schedule while the app is open (desktop app, headless host): at each due
 * slot, seeds the vault once the import job is Completed, then backs up incrementally; skips with
 * the reason while the job isn't Completed. A slot missed while the app was closed runs once at
 * start. It also remembers when the job watcher saw the job complete, so the page can say the next
 * run will seed.
 */
export class BackupScheduler {
  private readonly state: ScheduleStateStore;
  private readonly clock: Clock;
  private zone: string | null;
  private readonly startedAt: Date;
  private cancelTimer: (() => void) | null = null;
  private active = false;
  private checking: Promise<ScheduledRun | null> | null = null;
  private waiting: string | null = null;

  constructor(private readonly o: BackupSchedulerOptions) {
    this.state = new ScheduleStateStore(o.documents);
    this.clock = o.clock ?? systemClock;
    this.zone = o.timeZone ?? null;
    this.startedAt = this.clock.now();
    o.events.on('jobs.changed', (changes) => this.noticeJobChanges(changes));
    o.events.on('plan.changed', () => this.publish());
  }

  /** Resolved on first use: loading the time zone data costs a command that never schedules (a CLI backup) 10 ms. */
  private get timeZone(): string {
    this.zone ??= localTimeZone();
    return this.zone;
  }

  start(): void {
    if (this.active) return;
    this.active = true;
    this.arm(this.o.firstCheckMs ?? 30_000);
  }

  stop(): void {
    this.active = false;
    this.cancelTimer?.();
    this.cancelTimer = null;
  }

  /**
   * Looks at the clock and runs the due slot, if any; resolves with the run (when one ran or was
   * skipped) once it has finished. A call during a run shares it: two never run at once.
   */
  tick(): Promise<ScheduledRun | null> {
    this.checking ??= this.check()
      .catch((error: unknown) => {
        this.o.logger.warn('Scheduled backup failed', error);
        return null;
      })
      .finally(() => {
        this.checking = null;
      });
    return this.checking;
  }

  async status(): Promise<ScheduleStatus> {
    const plan = this.o.plans.get();
    const schedule = plan.schedule;
    const state = this.state.read();
    const now = this.clock.now();
    const jobName = plan.offline?.jobName ?? null;
    const seed = jobName ? this.o.seeds.get(jobName) : null;
    const importJobState = jobName ? await this.o.knownJobState(jobName, plan.offline?.subscriptionId ?? null).catch(() => null) : null;
    const completed = state.completed && state.completed.jobName === jobName && seed?.state !== 'verified' ? state.completed : null;
    const handled = state.handledUpTo ? new Date(state.handledUpTo) : null;
    const pending = schedule && handled ? dueScheduledRun(schedule, handled, now, this.timeZone) : null;
    const next = schedule ? (pending ?? nextScheduledRun(schedule, now, this.timeZone)) : null;
    let nextAction: ScheduledAction;
    let nextText: string;
    if (!schedule) {
      nextAction = 'none';
      nextText = 'no schedule is saved in the backup plan (the wizard’s schedule step); Run now still works';
    } else if (!jobName) {
      nextAction = 'wait';
      nextText = 'waiting for the import job (the backup plan names none yet)';
    } else if (seed?.state === 'verified') {
      nextAction = 'incremental';
      nextText = 'incremental (only new data goes over the network to the vault)';
    } else if (importJobState === 'Completed' || completed) {
      nextAction = 'seed';
      nextText = 'will seed the vault from the completed import job (server-side copy, then verify), then back up incrementally';
    } else {
      nextAction = 'wait';
      nextText = `waiting for the import job (${importJobState ?? 'state not checked yet'}): nothing goes over the network before the seed`;
    }
    return {
      schedule,
      timeZone: this.timeZone,
      jobName,
      importJobState,
      nextRunAt: next?.toISOString() ?? null,
      nextAction,
      nextText,
      completed,
      waiting: this.waiting,
      active: this.active,
      lastRun: state.lastRun,
    };
  }

  private arm(ms: number): void {
    if (!this.active) return;
    this.cancelTimer?.();
    this.cancelTimer = this.clock.setTimeout(() => {
      this.cancelTimer = null;
      void this.tick().finally(() => this.arm(this.untilNextLook()));
    }, ms);
  }

  /** Until the next slot, but never longer than `recheckMs` (a laptop may sleep through a timer). */
  private untilNextLook(): number {
    const recheck = this.o.recheckMs ?? 60_000;
    const schedule = this.o.plans.get().schedule;
    const now = this.clock.now();
    const next = schedule ? nextScheduledRun(schedule, now, this.timeZone) : null;
    return Math.max(1000, Math.min(recheck, next ? next.getTime() - now.getTime() : recheck));
  }

  private async check(): Promise<ScheduledRun | null> {
    const schedule = this.o.plans.get().schedule;
    const now = this.clock.now();
    const state = this.state.read();
    // Slots from before there was a schedule (or before this app first saw it) are not "missed".
    if (!schedule || !state.handledUpTo) {
      this.state.update({ handledUpTo: now.toISOString() });
      this.setWaiting(null);
      return null;
    }
    const slot = dueScheduledRun(schedule, new Date(state.handledUpTo), now, this.timeZone);
    if (!slot) {
      this.setWaiting(null);
      return null;
    }
    if (!(await this.o.ready())) {
      this.setWaiting(`The run due ${slot.toISOString()} waits until Seedship can reach Azure without asking: sign in (on the local cloud, once it has started).`);
      return null;
    }
    this.waiting = null;
    // Handled before it runs: a crash midway must not replay it at every start.
    this.state.update({ handledUpTo: slot.toISOString() });
    const catchUp = slot.getTime() < this.startedAt.getTime();
    const run = await runScheduledSlot({ ...this.o, now: () => this.clock.now() }, slot, catchUp, (started) => {
      this.state.recordRun(started);
      this.publish();
    });
    this.state.update({ lastRun: run, ...(run.action === 'seed' && run.outcome === 'succeeded' ? { completed: null } : {}) });
    this.o.audit.record('schedule.run', this.o.plans.get().offline?.jobName ?? null, { slotAt: run.slotAt, catchUp, action: run.action, outcome: run.outcome, message: run.message.slice(0, 500), taskId: run.taskId });
    this.o.logger.info(`Scheduled run ${run.slotAt}: ${run.action}, ${run.outcome}: ${run.message}`);
    this.publish();
    return run;
  }

  /** The job watcher (or a refresh) saw the plan's import job become Completed: the next run seeds. */
  private noticeJobChanges({ changes }: JobsChanged): void {
    const plan = this.o.plans.get();
    const jobName = plan.offline?.jobName;
    const done = changes.find((c) => c.driveId === null && c.to === 'Completed' && c.jobName === jobName);
    if (!done || !jobName || this.o.seeds.get(jobName)?.state === 'verified') return;
    const next = plan.schedule ? nextScheduledRun(plan.schedule, this.clock.now(), this.timeZone) : null;
    const message = next
      ? `Import job ${jobName} is Completed: the next scheduled run will seed the vault from it (server-side copy) and verify the seed.`
      : `Import job ${jobName} is Completed: Run now will seed the vault from it (the backup plan has no schedule).`;
    this.state.update({ completed: { jobName, at: done.at, message } });
    this.o.audit.record('schedule.seedQueued', jobName, { completedAt: done.at, nextRunAt: next?.toISOString() ?? null });
    this.o.logger.info(message);
    this.publish();
  }

  private setWaiting(reason: string | null): void {
    if (this.waiting === reason) return;
    this.waiting = reason;
    this.publish();
  }

  private publish(): void {
    void this.status().then(
      (status) => this.o.events.emit('schedule.changed', status),
      (error: unknown) => this.o.logger.warn('Schedule status failed', error),
    );
  }
}
