import type { Logger } from '../system/logger';

export interface JobWatcherOptions {
  /** One check of every job; its changes reach the operator as `jobs.changed` events. */
  check: () => Promise<unknown>;
  /** False while a check would need a sign-in or would start the local cloud: the watcher then waits. */
  ready: () => Promise<boolean>;
  intervalMs: number;
  logger: Logger;
}

/** Minutes between scheduled checks: `SEEDSHIP_JOB_CHECK_MINUTES`, else 15 (Import/Export moves in hours and days). */
export function jobCheckIntervalMs(env: NodeJS.ProcessEnv = process.env): number {
  const minutes = Number(env.SEEDSHIP_JOB_CHECK_MINUTES);
  return (Number.isFinite(minutes) && minutes > 0 ? minutes : 15) * 60_000;
}

/**
 * Checks the import jobs on a schedule, so state changes reach the dashboard and the desktop
 * notifications while nobody is looking. A check never overlaps the previous one, and never signs in.
 */
export class JobWatcher {
  private timer: NodeJS.Timeout | null = null;
  private first: NodeJS.Timeout | null = null;
  private running = false;

  constructor(private readonly o: JobWatcherOptions) {}

  start(): void {
    if (this.timer) return;
    // A first look soon after start (once the operator may have signed in), then on the schedule.
    this.first = setTimeout(() => void this.tick(), Math.min(30_000, this.o.intervalMs));
    this.first.unref();
    this.timer = setInterval(() => void this.tick(), this.o.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.first) clearTimeout(this.first);
    this.timer = null;
    this.first = null;
  }

  /** Runs one check now unless one is running or the app can't check quietly. */
  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      if (await this.o.ready()) await this.o.check();
    } catch (error) {
      this.o.logger.warn('Scheduled import job check failed', error);
    } finally {
      this.running = false;
    }
  }
}
