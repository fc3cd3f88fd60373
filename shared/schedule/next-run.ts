import { WEEKDAYS, type Schedule } from '../backup/plan';

/**
 * When the backup plan's schedule runs: its days of the week and HH:MM times are wall-clock times
 * in one time zone (the computer's, unless given). Pure, so the scheduler and its tests agree.
 *
 * Daylight saving time, as Windows Task Scheduler and MARS treat it:
 * - a time the clock skips (02:30 on the spring-forward night) runs when the clock jumps over it
 *   (03:30 wall clock): the run is late, never lost;
 * - a time the clock shows twice (02:30 on the fall-back night in Europe) runs once, the first time.
 */

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
/** A schedule repeats every week; one more day covers a slot moved by a DST change. */
const SEARCH_DAYS = 8;

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall clock in `timeZone` at an instant. */
function wallClock(instant: number, timeZone: string): WallClock & { second: number } {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(instant))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year ?? 0, month: parts.month ?? 1, day: parts.day ?? 1, hour: (parts.hour ?? 0) % 24, minute: parts.minute ?? 0, second: parts.second ?? 0 };
}

/** How far the zone's wall clock is ahead of UTC at an instant, in ms. */
function offsetAt(instant: number, timeZone: string): number {
  const w = wallClock(instant, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - (instant - (((instant % 1000) + 1000) % 1000));
}

/** The instant a wall-clock time happens in `timeZone`: the first of two on a fall-back night, the jump on a spring-forward one. */
export function wallClockToInstant(w: WallClock, timeZone: string): Date {
  const local = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
  const before = offsetAt(local - DAY_MS, timeZone);
  const after = offsetAt(local + DAY_MS, timeZone);
  const shows = (t: number) => {
    const c = wallClock(t, timeZone);
    return c.year === w.year && c.month === w.month && c.day === w.day && c.hour === w.hour && c.minute === w.minute;
  };
  const valid = [local - before, local - after].filter(shows);
  if (valid.length > 0) return new Date(Math.min(...valid));
  // In the gap: the offset from before the jump lands just past it, shifted by the gap's length.
  return new Date(local - before);
}

/** The computer's time zone (IANA name). */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** Every slot of the schedule on the local days from `from` (a day's offset) to `to`, in time order. */
function slots(schedule: Schedule, around: Date, fromDay: number, toDay: number, timeZone: string): Date[] {
  const today = wallClock(around.getTime(), timeZone);
  const times = [...new Set(schedule.times)].map((t) => t.split(':').map(Number) as [number, number]);
  const out: number[] = [];
  for (let k = fromDay; k <= toDay; k += 1) {
    const date = new Date(Date.UTC(today.year, today.month - 1, today.day + k));
    const weekday = WEEKDAYS[(date.getUTCDay() + 6) % 7];
    if (!weekday || !schedule.days.includes(weekday)) continue;
    for (const [hour, minute] of times) {
      out.push(wallClockToInstant({ year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour, minute }, timeZone).getTime());
    }
  }
  return [...new Set(out)].sort((a, b) => a - b).map((t) => new Date(t));
}

/** The first scheduled run strictly after `after`; null when the schedule has no day or time. */
export function nextScheduledRun(schedule: Schedule, after: Date, timeZone: string = localTimeZone()): Date | null {
  return slots(schedule, after, -1, SEARCH_DAYS, timeZone).find((s) => s.getTime() > after.getTime()) ?? null;
}

/** The last scheduled run at or before `atOrBefore`; null when the schedule has no day or time. */
export function previousScheduledRun(schedule: Schedule, atOrBefore: Date, timeZone: string = localTimeZone()): Date | null {
  return (
    slots(schedule, atOrBefore, -SEARCH_DAYS, 1, timeZone)
      .reverse()
      .find((s) => s.getTime() <= atOrBefore.getTime()) ?? null
  );
}

/**
 * The run that is due now, if any: the latest slot after the last one handled (`handledUpTo`) and
 * not after `now`. Slots missed while the app was closed collapse into this one run (catch-up
 * once, not once per missed slot); handling it means recording the returned slot as handled.
 */
export function dueScheduledRun(schedule: Schedule, handledUpTo: Date, now: Date, timeZone: string = localTimeZone()): Date | null {
  const latest = previousScheduledRun(schedule, now, timeZone);
  return latest && latest.getTime() > handledUpTo.getTime() ? latest : null;
}
