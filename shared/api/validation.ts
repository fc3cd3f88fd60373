import type { z } from 'zod';
import { SeedshipError } from './errors';

/**
 * Parses `value` with `schema`; on failure throws a VALIDATION error naming the first bad field
 * (dotted path, e.g. `mountpoints.0.path`) in words an operator can act on.
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw new SeedshipError('VALIDATION', `${what}: invalid input.`);
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const field = [...path, key].join('.');
    throw new SeedshipError('VALIDATION', `${what}: unknown field "${field}".`, field);
  }
  const field = path.length > 0 ? path.join('.') : undefined;
  const where = field ? `"${field}"` : 'the request';
  throw new SeedshipError('VALIDATION', `${what}: ${where} ${describeIssue(issue)}.`, field ?? 'payload');
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'is required' : `must be ${article(issue.expected)}`;
    case 'too_big':
      return issue.origin === 'string'
        ? `is too long (at most ${String(issue.maximum)} characters)`
        : `is too large (at most ${String(issue.maximum)})`;
    case 'too_small':
      return issue.origin === 'string'
        ? `is too short (at least ${String(issue.minimum)} characters)`
        : `is too small (at least ${String(issue.minimum)})`;
    default:
      return lowerFirst(issue.message);
  }
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
