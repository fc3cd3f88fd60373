import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClock, parseDuration } from './clock';

describe('the business clock', () => {
  it.each([['15d', 15 * 86_400_000], ['36h', 36 * 3_600_000], ['90m', 5_400_000], ['30s', 30_000], ['2w', 14 * 86_400_000]])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
  it.each(['15', 'd', '-1d', '15 days', ''])('refuses "%s"', (text) => {
    expect(() => parseDuration(text)).toThrow(/duration/);
  });
  it('moves forward only, and remembers across restarts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'seedship-clock-'));
    try {
      const clock = createClock(dir);
      const before = clock.now().getTime();
      clock.advance(parseDuration('15d'));
      expect(clock.now().getTime() - before).toBeGreaterThanOrEqual(15 * 86_400_000);
      expect(() => clock.advance(-1)).toThrow(/forward/);
      expect(createClock(dir).offsetMs()).toBe(15 * 86_400_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
