import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The local cloud's notion of time: real time plus an offset that tests and demos advance
 * (`seedship cloud clock --advance 15d`) so two weeks pass in a second. Persisted in the data folder.
 * Token lifetimes use real time; business rules (job deadlines) use this clock.
 */
export interface Clock {
  now(): Date;
  offsetMs(): number;
  advance(ms: number): Date;
}

export function createClock(dataDir: string): Clock {
  const file = join(dataDir, 'clock.json');
  let offset = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { offsetMs: number }).offsetMs : 0;
  return {
    now: () => new Date(Date.now() + offset),
    offsetMs: () => offset,
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new Error('The clock only moves forward.');
      offset += ms;
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(`${file}.tmp`, JSON.stringify({ offsetMs: offset }));
      renameSync(`${file}.tmp`, file);
      return new Date(Date.now() + offset);
    },
  };
}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** "15d", "36h", "90m", "30s", "2w" → milliseconds; throws on anything else. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([smhdw])$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a duration like 15d, 36h, 90m or 30s.`);
  return Number(match[1]) * (UNITS[match[2] as string] as number);
}
