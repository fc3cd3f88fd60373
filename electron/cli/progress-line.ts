import { formatDecimalBytes } from '../../shared/drives/format-bytes';
import type { TaskCounters } from '../../shared/tasks/task-record';

/** "1 204/20 000 files · 1.2 GB of 2.1 GB · 245 MB/s · ETA 0:04" for a terminal. */
export function progressLine(c: TaskCounters, currentFile: string | null): string {
  const files = `${c.filesDone}${c.filesTotal !== null ? `/${c.filesTotal}` : ''} files`;
  const bytes = `${formatDecimalBytes(c.bytesDone)}${c.bytesTotal !== null ? ` of ${formatDecimalBytes(c.bytesTotal)}` : ''}`;
  const rate = `${formatDecimalBytes(c.rate)}/s`;
  const eta = c.etaSeconds !== null ? ` · ETA ${formatDuration(c.etaSeconds)}` : '';
  const file = currentFile ? ` · ${currentFile.length > 50 ? `…${currentFile.slice(-49)}` : currentFile}` : '';
  return `${files} · ${bytes} · ${rate}${eta}${file}`;
}

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

/** Prints progress in place on a terminal, or a line every few seconds into a log or pipe. */
export function progressPrinter(stream: NodeJS.WriteStream): { update(c: TaskCounters, file: string | null): void; done(): void } {
  // Logs get their first line after a few seconds: a quick run prints no progress at all.
  let last = stream.isTTY ? 0 : Date.now();
  let shown = false;
  return {
    update(c, file) {
      const now = Date.now();
      if (stream.isTTY) {
        if (now - last < 100) return;
        last = now;
        const line = progressLine(c, file).slice(0, Math.max(20, (stream.columns ?? 100) - 1));
        stream.write(`\r\x1b[2K${line}`);
        shown = true;
      } else if (now - last >= 2000) {
        last = now;
        stream.write(`${progressLine(c, null)}\n`);
      }
    },
    done() {
      if (shown) stream.write('\r\x1b[2K');
    },
  };
}
