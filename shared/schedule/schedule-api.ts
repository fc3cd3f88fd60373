import { z } from 'zod';
import { ScheduleSchema } from '../backup/plan';

/**
 * The backup plan's schedule after the import: what the next scheduled run will do (seed the vault,
 * an incremental backup, or wait for the import job) and how the last one went.
 */

/** What a scheduled run does: seed (then the incremental backup of that run), incremental only, or nothing yet. */
export const ScheduledActionSchema = z.enum(['seed', 'incremental', 'wait', 'none']);
export type ScheduledAction = z.infer<typeof ScheduledActionSchema>;

export const ScheduledRunSchema = z.object({
  /** The schedule slot this run stands for. */
  slotAt: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  /** True when the slot was missed while the app was closed and ran once at start. */
  catchUp: z.boolean(),
  action: z.enum(['seed', 'incremental', 'skipped']),
  outcome: z.enum(['running', 'succeeded', 'failed', 'skipped']),
  /** Why it was skipped, the error, or the task's summary in one line. */
  message: z.string(),
  /** The vault task, when one ran. */
  taskId: z.string().nullable(),
  /** What became of the plan's retention on this run. */
  retention: z.string().nullable(),
});
export type ScheduledRun = z.infer<typeof ScheduledRunSchema>;

export const ScheduleStatusSchema = z.object({
  schedule: ScheduleSchema.nullable(),
  /** The IANA time zone the schedule's wall-clock times are read in (the computer's). */
  timeZone: z.string(),
  jobName: z.string().nullable(),
  /** The import job's state as last checked (the job dashboard's record), null if never seen. */
  importJobState: z.string().nullable(),
  nextRunAt: z.string().nullable(),
  nextAction: ScheduledActionSchema,
  /** "will seed", "incremental", "waiting for the import job (Transferring)"… */
  nextText: z.string(),
  /** Set when the job watcher saw the plan's import job become Completed (until the vault is seeded). */
  completed: z.object({ jobName: z.string(), at: z.string(), message: z.string() }).nullable(),
  /** A due run held back (e.g. until the operator is signed in), with the reason. */
  waiting: z.string().nullable(),
  /** Whether this app runs the schedule (the desktop app and the headless host do; the CLI doesn't). */
  active: z.boolean(),
  lastRun: ScheduledRunSchema.nullable(),
});
export type ScheduleStatus = z.infer<typeof ScheduleStatusSchema>;

/** One line for the page and the CLI: "Next scheduled run: <time> — will seed". */
export function describeNextRun(status: ScheduleStatus, formatTime: (iso: string) => string): string {
  if (!status.nextRunAt) return `Next scheduled run: none — ${status.nextText}`;
  return `Next scheduled run: ${formatTime(status.nextRunAt)} — ${status.nextText}`;
}

/** One line for the page and the CLI about the last scheduled run. */
export function describeLastRun(run: ScheduledRun, formatTime: (iso: string) => string): string {
  const when = `${formatTime(run.slotAt)}${run.catchUp ? ' (missed while the app was closed, run at start)' : ''}`;
  const what = run.action === 'seed' ? 'seed + incremental backup' : run.action === 'incremental' ? 'incremental backup' : 'skipped';
  return `Last scheduled run: ${when} — ${what}, ${run.outcome}: ${run.message}`;
}
