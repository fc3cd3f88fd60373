import { afterEach, describe, expect, it, vi } from 'vitest';
import { jobCheckIntervalMs, JobWatcher } from './job-watcher';

const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };

afterEach(() => vi.useRealTimers());

describe('JobWatcher', () => {
  it('checks soon after start and then on the schedule, only when it can check quietly', async () => {
    vi.useFakeTimers();
    const check = vi.fn(async () => undefined);
    let ready = false;
    const watcher = new JobWatcher({ check, ready: async () => ready, intervalMs: 60_000, logger });
    watcher.start();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(check).not.toHaveBeenCalled();
    ready = true;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(check).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(check).toHaveBeenCalledTimes(2);
    watcher.stop();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(check).toHaveBeenCalledTimes(2);
  });

  it('logs a failed check and never overlaps two', async () => {
    let release = () => undefined as void;
    const check = vi.fn(() => new Promise<void>((resolve, reject) => (release = () => reject(new Error('ARM down')))));
    const watcher = new JobWatcher({ check, ready: async () => true, intervalMs: 60_000, logger });
    const first = watcher.tick();
    await watcher.tick();
    await Promise.resolve();
    expect(check).toHaveBeenCalledTimes(1);
    release();
    await first;
    expect(logger.warn).toHaveBeenCalledWith('Scheduled import job check failed', expect.any(Error));
  });

  it('reads its interval from SEEDSHIP_JOB_CHECK_MINUTES', () => {
    expect(jobCheckIntervalMs({ SEEDSHIP_JOB_CHECK_MINUTES: '2' })).toBe(120_000);
    expect(jobCheckIntervalMs({})).toBe(15 * 60_000);
  });
});
