import { z } from 'zod';
import { ScheduledRunSchema, type ScheduledRun } from '../../../shared/schedule/schedule-api';
import type { DocumentStore } from '../store/document-store';

const STATE_KEY = 'schedule.state';

const ScheduleStateSchema = z.object({
  /** Every slot up to this instant has been handled (run, skipped, or before the schedule existed). */
  handledUpTo: z.string().nullable(),
  lastRun: ScheduledRunSchema.nullable(),
  /** The job watcher saw the plan's import job become Completed: the next run seeds. */
  completed: z.object({ jobName: z.string(), at: z.string(), message: z.string() }).nullable(),
});
export type ScheduleState = z.infer<typeof ScheduleStateSchema>;

const EMPTY: ScheduleState = { handledUpTo: null, lastRun: null, completed: null };

/** The scheduler's memory across restarts (a document in SQLite), so a missed slot runs once at start. */
export class ScheduleStateStore {
  constructor(private readonly documents: DocumentStore) {}

  read(): ScheduleState {
    const parsed = ScheduleStateSchema.safeParse(this.documents.read(STATE_KEY));
    return parsed.success ? parsed.data : EMPTY;
  }

  update(patch: Partial<ScheduleState>): ScheduleState {
    const next = { ...this.read(), ...patch };
    this.documents.write(STATE_KEY, next);
    return next;
  }

  recordRun(run: ScheduledRun): ScheduleState {
    return this.update({ lastRun: run });
  }
}
