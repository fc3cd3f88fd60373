import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { redactSecrets } from '../../../shared/security/redact';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string, detail?: unknown): void;
  info(message: string, detail?: unknown): void;
  warn(message: string, detail?: unknown): void;
  error(message: string, detail?: unknown): void;
}

/**
 * Writes one redacted line per entry to `<dataDir>/logs/seedship.log`, and warnings and errors to
 * stderr as well. Secrets are masked before anything is written anywhere.
 */
export function createLogger(dataDir: string, options: { echo?: boolean } = {}): Logger {
  const dir = join(dataDir, 'logs');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, 'seedship.log');
  const write = (level: LogLevel, message: string, detail?: unknown) => {
    const suffix = detail === undefined ? '' : ` ${describe(detail)}`;
    const line = redactSecrets(`${new Date().toISOString()} ${level.toUpperCase()} ${message}${suffix}`);
    try {
      appendFileSync(file, `${line}\n`, { mode: 0o600 });
    } catch {
      // Logging must never break the operation being logged.
    }
    if (options.echo !== false && (level === 'warn' || level === 'error')) process.stderr.write(`${line}\n`);
  };
  return {
    debug: (m, d) => write('debug', m, d),
    info: (m, d) => write('info', m, d),
    warn: (m, d) => write('warn', m, d),
    error: (m, d) => write('error', m, d),
  };
}

function describe(detail: unknown): string {
  if (detail instanceof Error) return detail.stack ?? detail.message;
  try {
    return JSON.stringify(detail);
  } catch {
    return String(detail);
  }
}
