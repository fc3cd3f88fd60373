import { randomUUID } from 'node:crypto';
import { SeedshipError } from '../../../shared/api/errors';
import { isFinished, MAX_TASK_WARNINGS, type TaskCounters, type TaskRecord } from '../../../shared/tasks/task-record';

export interface TaskHandle {
  readonly id: string;
  readonly signal: AbortSignal;
  update(counters: Partial<TaskCounters>, currentFile?: string | null): void;
  warn(path: string, reason: string): void;
  /** What the task is doing now (disk prep: format, copy, encrypt, verify). */
  setPhase(phase: string): void;
}

/** How far back the rate looks: long enough to smooth bursts, short enough to follow real changes. */
const RATE_WINDOW_MS = 5000;
/** Progress events at most this often per task: enough for a smooth bar, cheap for the socket. */
const PUBLISH_MS = 250;

/**
 * Long work as task records (Kopia's uitask): each task has a status, counters, warnings and a
 * cancel signal; changes are published as events, throttled, with the final state always sent.
 */
export class TaskRegistry {
  private readonly tasks = new Map<string, { record: TaskRecord; controller: AbortController; samples: { at: number; bytes: number }[]; lastPublish: number; timer: NodeJS.Timeout | null }>();

  constructor(private readonly publish: (record: TaskRecord) => void) {}

  list(): TaskRecord[] {
    return [...this.tasks.values()].map((t) => structuredClone(t.record)).sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  get(id: string): TaskRecord {
    const task = this.tasks.get(id);
    if (!task) throw new SeedshipError('NOT_FOUND', `There is no task ${id}.`, 'id');
    return structuredClone(task.record);
  }

  running(kind: TaskRecord['kind']): TaskRecord | null {
    return this.list().find((t) => t.kind === kind && !isFinished(t.status)) ?? null;
  }

  /** Starts `work` as a task and returns its first record at once; the work goes on in the background. */
  start(kind: TaskRecord['kind'], title: string, work: (task: TaskHandle) => Promise<{ summary: string[]; snapshotId?: string | null }>): TaskRecord {
    const controller = new AbortController();
    const record: TaskRecord = {
      id: randomUUID(),
      kind,
      title,
      status: 'running',
      startedAt: new Date().toISOString(),
      finishedAt: null,
      counters: { filesDone: 0, filesTotal: null, bytesDone: 0, bytesTotal: null, bytesWritten: 0, rate: 0, etaSeconds: null },
      currentFile: null,
      warnings: [],
      warningCount: 0,
      summary: [],
      error: null,
      snapshotId: null,
      phase: null,
    };
    const task = { record, controller, samples: [{ at: Date.now(), bytes: 0 }], lastPublish: 0, timer: null as NodeJS.Timeout | null };
    this.tasks.set(record.id, task);
    const handle: TaskHandle = {
      id: record.id,
      signal: controller.signal,
      update: (counters, currentFile) => {
        Object.assign(record.counters, counters);
        if (currentFile !== undefined) record.currentFile = currentFile;
        this.measure(task);
        this.schedule(task);
      },
      setPhase: (phase) => {
        if (record.phase === phase) return;
        record.phase = phase;
        this.schedule(task);
      },
      warn: (path, reason) => {
        record.warningCount += 1;
        if (record.warnings.length < MAX_TASK_WARNINGS) record.warnings.push({ path, reason });
        this.schedule(task);
      },
    };
    this.publishNow(task);
    void work(handle).then(
      (result) => this.finish(task, 'succeeded', null, result.summary, result.snapshotId ?? null),
      (error: unknown) => {
        const cancelled = error instanceof SeedshipError && error.code === 'CANCELLED';
        this.finish(task, cancelled ? 'cancelled' : 'failed', cancelled ? null : (error as Error).message, cancelled ? [(error as Error).message] : [], null);
      },
    );
    return structuredClone(record);
  }

  cancel(id: string): TaskRecord {
    const task = this.tasks.get(id);
    if (!task) throw new SeedshipError('NOT_FOUND', `There is no task ${id}.`, 'id');
    if (!isFinished(task.record.status)) {
      task.record.status = 'cancelling';
      task.controller.abort();
      this.publishNow(task);
    }
    return structuredClone(task.record);
  }

  private measure(task: { record: TaskRecord; samples: { at: number; bytes: number }[] }): void {
    const now = Date.now();
    const { counters } = task.record;
    task.samples.push({ at: now, bytes: counters.bytesDone });
    while (task.samples.length > 2 && now - (task.samples[1] as { at: number }).at > RATE_WINDOW_MS) task.samples.shift();
    const first = task.samples[0] as { at: number; bytes: number };
    const elapsed = (now - first.at) / 1000;
    counters.rate = elapsed > 0.2 ? Math.max(0, (counters.bytesDone - first.bytes) / elapsed) : counters.rate;
    counters.etaSeconds = counters.bytesTotal !== null && counters.rate > 0 ? Math.max(0, Math.round((counters.bytesTotal - counters.bytesDone) / counters.rate)) : null;
  }

  private schedule(task: { record: TaskRecord; lastPublish: number; timer: NodeJS.Timeout | null }): void {
    if (task.timer) return;
    const wait = Math.max(0, task.lastPublish + PUBLISH_MS - Date.now());
    task.timer = setTimeout(() => {
      task.timer = null;
      this.publishNow(task);
    }, wait);
  }

  private publishNow(task: { record: TaskRecord; lastPublish: number }): void {
    task.lastPublish = Date.now();
    this.publish(structuredClone(task.record));
  }

  private finish(task: { record: TaskRecord; lastPublish: number; timer: NodeJS.Timeout | null }, status: TaskRecord['status'], error: string | null, summary: string[], snapshotId: string | null): void {
    if (task.timer) clearTimeout(task.timer);
    task.timer = null;
    Object.assign(task.record, { status, error, summary, snapshotId, finishedAt: new Date().toISOString(), currentFile: null });
    task.record.counters.etaSeconds = status === 'succeeded' ? 0 : null;
    this.publishNow(task);
  }
}
