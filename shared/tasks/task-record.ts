import { z } from 'zod';

/**
 * The record of one piece of long work (a backup, a restore, later disk prep), after Kopia's
 * uitask: status, counters, the file at hand, warnings. Workers update it; the UI subscribes.
 */
export const TaskStatusSchema = z.enum(['queued', 'running', 'cancelling', 'cancelled', 'succeeded', 'failed']);
export type TaskStatus = z.infer<typeof TaskStatusSchema>;

export const TaskKindSchema = z.enum(['backup', 'restore', 'diskprep', 'vault']);

export const TaskCountersSchema = z.object({
  filesDone: z.number().int().nonnegative(),
  /** Null while the sources are still being counted. */
  filesTotal: z.number().int().nonnegative().nullable(),
  bytesDone: z.number().nonnegative(),
  bytesTotal: z.number().nonnegative().nullable(),
  /** Bytes written to the destination after deduplication and compression. */
  bytesWritten: z.number().nonnegative(),
  /** Bytes per second over the last few seconds. */
  rate: z.number().nonnegative(),
  etaSeconds: z.number().nonnegative().nullable(),
});
export type TaskCounters = z.infer<typeof TaskCountersSchema>;

export const TaskWarningSchema = z.object({ path: z.string(), reason: z.string() });
export type TaskWarning = z.infer<typeof TaskWarningSchema>;

export const TaskRecordSchema = z.object({
  id: z.string(),
  kind: TaskKindSchema,
  title: z.string(),
  status: TaskStatusSchema,
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  counters: TaskCountersSchema,
  currentFile: z.string().nullable(),
  /** The first warnings (capped so a huge tree can't flood the UI); `warningCount` has them all. */
  warnings: z.array(TaskWarningSchema),
  warningCount: z.number().int().nonnegative(),
  /** Result lines once finished ("Snapshot 3f2a… : 18 204 files, 2.1 GB, 1.3 GB written"). */
  summary: z.array(z.string()),
  error: z.string().nullable(),
  /** The snapshot a backup produced, or the one a restore read. */
  snapshotId: z.string().nullable(),
  /** What the task is doing now (disk prep: format, copy, encrypt, verify); absent for older kinds. */
  phase: z.string().nullable().optional(),
});
export type TaskRecord = z.infer<typeof TaskRecordSchema>;

export const MAX_TASK_WARNINGS = 200;

export function isFinished(status: TaskStatus): boolean {
  return status === 'cancelled' || status === 'succeeded' || status === 'failed';
}
