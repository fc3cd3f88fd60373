import { isFinished, type TaskRecord } from '../../shared/tasks/task-record';
import type { AppServices } from '../services/app-services';
import { progressPrinter } from './progress-line';

/**
 * Starts a task of `kind` and prints its progress on stderr, then its summary and warnings; Ctrl-C
 * cancels it. Returns the exit code (1 unless it succeeded).
 */
export async function followTask(app: AppServices, kind: TaskRecord['kind'], start: () => Promise<TaskRecord>): Promise<number> {
  const printer = progressPrinter(process.stderr);
  let id: string | null = null;
  const early = new Map<string, TaskRecord>();
  let resolveDone: (record: TaskRecord) => void = () => undefined;
  const finished = new Promise<TaskRecord>((done) => (resolveDone = done));
  app.events.on('task.changed', (record) => {
    if (record.kind !== kind) return;
    if (id === null) {
      if (isFinished(record.status)) early.set(record.id, record);
      return;
    }
    if (record.id !== id) return;
    if (isFinished(record.status)) resolveDone(record);
    else printer.update(record.counters, record.currentFile ?? (record.phase ? `(${record.phase})` : null));
  });
  const task = await start();
  id = task.id;
  const already = early.get(id);
  if (already) resolveDone(already);
  const onSignal = () => app.tasks.cancel(task.id);
  process.once('SIGINT', onSignal);
  const record = await finished;
  process.off('SIGINT', onSignal);
  printer.done();
  for (const line of record.summary) process.stdout.write(`${line}\n`);
  for (const w of record.warnings) process.stdout.write(`  ${w.path}: ${w.reason}\n`);
  if (record.status !== 'succeeded') {
    process.stderr.write(`seedship ${kind}: ${record.error ?? record.status}\n`);
    return 1;
  }
  return 0;
}
