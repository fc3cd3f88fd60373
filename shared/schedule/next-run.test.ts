import { describe, expect, it } from 'vitest';
import type { Schedule } from '../backup/plan';
import { dueScheduledRun, nextScheduledRun, previousScheduledRun, wallClockToInstant } from './next-run';

const BERLIN = 'Europe/Berlin';
const NEW_YORK = 'America/New_York';
const weekdays: Schedule = { days: ['mon', 'tue', 'wed', 'thu', 'fri'], times: ['21:00'] };
const daily = (...times: string[]): Schedule => ({ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], times });
const at = (iso: string) => new Date(iso);
const iso = (d: Date | null) => d?.toISOString() ?? null;

describe('nextScheduledRun', () => {
  it.each([
    // [what, schedule, after, expected] (Berlin is UTC+1 in winter, UTC+2 in summer)
    ['later the same day', weekdays, '2026-01-12T10:00:00Z', '2026-01-12T20:00:00.000Z'],
    ['strictly after a slot: the slot itself is not next', weekdays, '2026-01-12T20:00:00Z', '2026-01-13T20:00:00.000Z'],
    ['Friday night skips the weekend', weekdays, '2026-01-09T21:00:00Z', '2026-01-12T20:00:00.000Z'],
    ['times in any order, the earliest first', daily('21:00', '07:30'), '2026-01-12T05:00:00Z', '2026-01-12T06:30:00.000Z'],
    ['the second time of the day', daily('21:00', '07:30'), '2026-01-12T06:30:00Z', '2026-01-12T20:00:00.000Z'],
    ['one day a week, a week later', { days: ['wed'], times: ['06:00'] }, '2026-01-14T05:00:00Z', '2026-01-21T05:00:00.000Z'],
    ['a local day differs from the UTC day', { days: ['tue'], times: ['00:30'] }, '2026-01-12T22:00:00Z', '2026-01-12T23:30:00.000Z'],
  ] as [string, Schedule, string, string][])('%s', (_what, schedule, after, expected) => {
    expect(iso(nextScheduledRun(schedule, at(after), BERLIN))).toBe(expected);
  });

  it('keeps the wall-clock time across daylight saving changes', () => {
    // 21:00 in Berlin: 20:00Z in winter, 19:00Z from Sunday 29 March 2026.
    expect(iso(nextScheduledRun(daily('21:00'), at('2026-03-28T12:00:00Z'), BERLIN))).toBe('2026-03-28T20:00:00.000Z');
    expect(iso(nextScheduledRun(daily('21:00'), at('2026-03-28T20:00:00Z'), BERLIN))).toBe('2026-03-29T19:00:00.000Z');
    expect(iso(nextScheduledRun(daily('21:00'), at('2026-10-24T20:00:00Z'), BERLIN))).toBe('2026-10-25T20:00:00.000Z');
    // New York: 21:00 EST = 02:00Z the next day, 21:00 EDT = 01:00Z from 8 March 2026.
    expect(iso(nextScheduledRun(daily('21:00'), at('2026-03-07T12:00:00Z'), NEW_YORK))).toBe('2026-03-08T02:00:00.000Z');
    expect(iso(nextScheduledRun(daily('21:00'), at('2026-03-08T02:00:00Z'), NEW_YORK))).toBe('2026-03-09T01:00:00.000Z');
  });

  it('runs a time the spring-forward jump skips when the clock jumps over it', () => {
    // 02:30 does not exist in Berlin on 29 March 2026 (02:00 → 03:00): it runs at 03:30 CEST = 01:30Z.
    expect(iso(nextScheduledRun(daily('02:30'), at('2026-03-28T12:00:00Z'), BERLIN))).toBe('2026-03-29T01:30:00.000Z');
    expect(iso(nextScheduledRun(daily('02:30'), at('2026-03-29T01:30:00Z'), BERLIN))).toBe('2026-03-30T00:30:00.000Z');
    // New York, 8 March 2026: 02:30 EST never happens; 03:30 EDT = 07:30Z.
    expect(iso(nextScheduledRun(daily('02:30'), at('2026-03-07T12:00:00Z'), NEW_YORK))).toBe('2026-03-08T07:30:00.000Z');
  });

  it('runs a time the fall-back night shows twice only once, the first time', () => {
    // Berlin, 25 October 2026: 02:30 CEST (00:30Z) and again 02:30 CET (01:30Z).
    expect(iso(nextScheduledRun(daily('02:30'), at('2026-10-24T12:00:00Z'), BERLIN))).toBe('2026-10-25T00:30:00.000Z');
    expect(iso(nextScheduledRun(daily('02:30'), at('2026-10-25T00:30:00Z'), BERLIN))).toBe('2026-10-26T01:30:00.000Z');
  });

  it('converts wall-clock times in the southern hemisphere too', () => {
    // Sydney leaves daylight saving on 5 April 2026 (03:00 AEDT → 02:00 AEST).
    expect(iso(wallClockToInstant({ year: 2026, month: 1, day: 15, hour: 21, minute: 0 }, 'Australia/Sydney'))).toBe('2026-01-15T10:00:00.000Z');
    expect(iso(wallClockToInstant({ year: 2026, month: 7, day: 15, hour: 21, minute: 0 }, 'Australia/Sydney'))).toBe('2026-07-15T11:00:00.000Z');
    expect(iso(wallClockToInstant({ year: 2026, month: 4, day: 5, hour: 2, minute: 30 }, 'Australia/Sydney'))).toBe('2026-04-04T15:30:00.000Z');
  });
});

describe('previousScheduledRun', () => {
  it('finds the last slot at or before an instant', () => {
    expect(iso(previousScheduledRun(weekdays, at('2026-01-12T20:00:00Z'), BERLIN))).toBe('2026-01-12T20:00:00.000Z');
    expect(iso(previousScheduledRun(weekdays, at('2026-01-12T19:59:00Z'), BERLIN))).toBe('2026-01-09T20:00:00.000Z');
  });
});

describe('dueScheduledRun', () => {
  it('is due once a slot passes that was not handled yet', () => {
    expect(dueScheduledRun(weekdays, at('2026-01-12T19:00:00Z'), at('2026-01-12T19:59:59Z'), BERLIN)).toBeNull();
    expect(iso(dueScheduledRun(weekdays, at('2026-01-12T19:00:00Z'), at('2026-01-12T20:00:00Z'), BERLIN))).toBe('2026-01-12T20:00:00.000Z');
    expect(dueScheduledRun(weekdays, at('2026-01-12T20:00:00Z'), at('2026-01-12T20:30:00Z'), BERLIN)).toBeNull();
  });

  it('catches up once, not once per slot missed while the app was closed', () => {
    // Closed from Monday 19:00 to Thursday 09:00 (Berlin): Monday, Tuesday and Wednesday 21:00 were missed.
    const closedAt = at('2026-01-12T18:00:00Z');
    const openedAt = at('2026-01-15T08:00:00Z');
    const due = dueScheduledRun(weekdays, closedAt, openedAt, BERLIN);
    expect(iso(due)).toBe('2026-01-14T20:00:00.000Z');
    // Handled: nothing more is due until Thursday's own slot.
    expect(dueScheduledRun(weekdays, due as Date, openedAt, BERLIN)).toBeNull();
    expect(dueScheduledRun(weekdays, due as Date, at('2026-01-15T19:59:00Z'), BERLIN)).toBeNull();
    expect(iso(nextScheduledRun(weekdays, openedAt, BERLIN))).toBe('2026-01-15T20:00:00.000Z');
    // Closed for a month: still one run.
    expect(iso(dueScheduledRun(weekdays, at('2025-12-01T00:00:00Z'), openedAt, BERLIN))).toBe('2026-01-14T20:00:00.000Z');
  });
});
