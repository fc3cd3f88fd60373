import { describe, expect, it } from 'vitest';
import { SeedshipError } from '../../../shared/api/errors';
import type { TaskRecord } from '../../../shared/tasks/task-record';
import { TaskRegistry } from './task-registry';

function registry() {
  const published: TaskRecord[] = [];
  return { tasks: new TaskRegistry((r) => published.push(r)), published };
}

const settle = () => new Promise((r) => setTimeout(r, 300));

describe('task records', () => {
  it('publish the start, throttled progress with rate and ETA, and the final state', async () => {
    const { tasks, published } = registry();
    let finish: () => void = () => undefined;
    const record = tasks.start('backup', 'Back up', async (task) => {
      task.update({ bytesTotal: 1000, filesTotal: 2 });
      await new Promise((r) => setTimeout(r, 400));
      task.update({ bytesDone: 500, filesDone: 1 }, '/data/a');
      await new Promise<void>((r) => (finish = r));
      return { summary: ['done'], snapshotId: 'snap' };
    });
    expect(record.status).toBe('running');
    await settle();
    await settle();
    const running = tasks.get(record.id);
    expect(running.counters.rate).toBeGreaterThan(0);
    expect(running.counters.etaSeconds).not.toBeNull();
    expect(running.currentFile).toBe('/data/a');
    finish();
    await settle();
    const last = published[published.length - 1] as TaskRecord;
    expect(last).toMatchObject({ status: 'succeeded', summary: ['done'], snapshotId: 'snap', currentFile: null });
    expect(published.length).toBeLessThan(8);
  });

  it('cancel aborts the signal and ends as cancelled; failures keep their message', async () => {
    const { tasks } = registry();
    const record = tasks.start('restore', 'Restore', (task) => new Promise((_, reject) => task.signal.addEventListener('abort', () => reject(new SeedshipError('CANCELLED', 'Stopped.')))));
    expect(tasks.cancel(record.id).status).toBe('cancelling');
    await settle();
    expect(tasks.get(record.id)).toMatchObject({ status: 'cancelled', summary: ['Stopped.'], error: null });

    const failing = tasks.start('backup', 'Back up', async () => {
      throw new Error('disk full');
    });
    await settle();
    expect(tasks.get(failing.id)).toMatchObject({ status: 'failed', error: 'disk full' });
    expect(() => tasks.cancel('nope')).toThrow(/no task/);
  });

  it('keeps the first warnings and counts them all', async () => {
    const { tasks } = registry();
    const record = tasks.start('backup', 'Back up', async (task) => {
      for (let i = 0; i < 250; i += 1) task.warn(`/f${i}`, 'permission denied');
      return { summary: [] };
    });
    await settle();
    const done = tasks.get(record.id);
    expect(done.warningCount).toBe(250);
    expect(done.warnings).toHaveLength(200);
  });
});
