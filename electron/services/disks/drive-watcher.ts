import { watch, type FSWatcher } from 'node:fs';
import type { DriveList } from '../../../shared/drives/drive';

export interface DriveWatcherOptions {
  list: () => Promise<DriveList>;
  onChange: (list: DriveList) => void;
  onError?: (error: unknown) => void;
  intervalMs?: number;
}

/**
 * Notices drives coming and going: re-scans on a timer (loop devices and resized media change no
 * device node) and at once when /dev changes (hot-plug), and reports only real changes.
 */
export class DriveWatcher {
  private timer: NodeJS.Timeout | null = null;
  private devWatcher: FSWatcher | null = null;
  private debounce: NodeJS.Timeout | null = null;
  private lastFingerprint: string | null = null;
  private scanning: Promise<void> | null = null;

  constructor(private readonly options: DriveWatcherOptions) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.check(), this.options.intervalMs ?? 2000);
    this.timer.unref();
    if (process.platform === 'linux') {
      try {
        this.devWatcher = watch('/dev', () => this.soon());
        this.devWatcher.on('error', () => this.devWatcher?.close());
      } catch {
        // Without inotify on /dev the timer still catches every change, a little later.
      }
    }
    void this.check();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.debounce) clearTimeout(this.debounce);
    this.devWatcher?.close();
    this.timer = null;
    this.devWatcher = null;
  }

  /** Re-scans now and reports the list if it changed; concurrent calls share one scan. */
  check(): Promise<void> {
    this.scanning ??= this.scanOnce().finally(() => {
      this.scanning = null;
    });
    return this.scanning;
  }

  /** Forgets the last list so the next scan is reported even if nothing changed (a setting flipped). */
  async refresh(): Promise<void> {
    await this.scanning;
    this.lastFingerprint = null;
    await this.check();
  }

  private soon(): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.check(), 250);
    this.debounce.unref();
  }

  private async scanOnce(): Promise<void> {
    try {
      const list = await this.options.list();
      const fingerprint = JSON.stringify({ ...list, scannedAt: undefined });
      if (fingerprint === this.lastFingerprint) return;
      this.lastFingerprint = fingerprint;
      this.options.onChange(list);
    } catch (error) {
      this.options.onError?.(error);
    }
  }
}
