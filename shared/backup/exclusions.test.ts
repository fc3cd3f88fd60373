import { describe, expect, it } from 'vitest';
import { compileExclusions, exclusionProblem } from './exclusions';

describe('exclusions', () => {
  const rules = compileExclusions({
    patterns: ['*.tmp', '**/node_modules', '/srv/data/cache/**', 'C:\\Temp\\*', 'build?'],
    fileTypes: ['.iso', 'VHDX'],
  });
  it.each([
    ['/srv/data/report.tmp', '*.tmp'],
    ['/srv/data/app/node_modules/x/index.js', '**/node_modules'],
    ['/srv/data/node_modules', '**/node_modules'],
    ['/srv/data/cache/a/b', '/srv/data/cache/**'],
    ['c:\\temp\\setup.log', 'C:\\Temp\\*'],
    ['/srv/data/build1/out', 'build?'],
    ['/srv/data/images/disk.ISO', '.iso'],
    ['/srv/vm/server.vhdx', '.vhdx'],
    ['/srv/data/report.txt', null],
    ['/srv/data/cachefile', null],
    ['/srv/data/build12', null],
    ['/srv/data/.iso', null],
    ['C:\\Temporary\\x', null],
  ])('%s → %s', (path, rule) => {
    expect(rules.match(path)).toBe(rule);
  });

  it.each([
    ['pattern', '', /empty/],
    ['pattern', 'a/***/b', /\*\*\*/],
    ['fileType', 'not a type', /not a file type/],
    ['fileType', '.iso', null],
    ['fileType', 'vhdx', null],
    ['pattern', '**/*.bak', null],
  ] as const)('%s %j', (kind, value, expected) => {
    const problem = exclusionProblem(kind, value);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });
});
