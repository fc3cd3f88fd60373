import { describe, expect, it } from 'vitest';
import { passphraseProblem } from './passphrase-policy';

describe('passphrase policy', () => {
  it.each([
    ['correct horse battery staple', null],
    ['exactly16chars!!', null],
    ['fifteen chars!!', /at least 16 characters \(it has 15\)/],
    ['', /at least 16/],
    ['aaaaaaaaaaaaaaaaaaaa', /too few characters/],
    [' leading space passphrase', /start or end with a space/],
    ['ünïcödé-pässphrase', null],
    ['x'.repeat(1025), /at most 1024/],
  ])('%j', (passphrase, expected) => {
    const problem = passphraseProblem(passphrase);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });
});
